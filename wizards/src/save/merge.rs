//! Puts one section into an existing config.toml with toml_edit, so the operator's
//! comments, ordering and other tables stay exactly as they were.

use toml_edit::{DocumentMut, Item, Table};

use super::SaveError;
use crate::config::WizardSections;

/// Where a section goes: `[backends.<name>]`, `[vfs.<name>]` or `[monitoring]`.
pub(crate) enum Slot<'a> {
    Entry { top: &'static str, name: &'a str },
    Monitoring,
}

/// Returns the whole new document and the section's own text.
pub(crate) fn merge(
    existing: &str,
    slot: &Slot<'_>,
    section: &WizardSections,
) -> Result<(String, String), SaveError> {
    let mut doc: DocumentMut = existing
        .parse()
        .map_err(|e: toml_edit::TomlError| SaveError::ParseConfig(e.to_string()))?;
    let snippet_text = toml::to_string(section).map_err(|e| SaveError::Serialize(e.to_string()))?;
    let mut snippet: DocumentMut = snippet_text
        .parse()
        .map_err(|e: toml_edit::TomlError| SaveError::Serialize(e.to_string()))?;
    inline_level_pairs(snippet.as_table_mut());
    let section_text = snippet.to_string();

    let (top, key) = match slot {
        Slot::Entry { top, name } => (Some(*top), *name),
        Slot::Monitoring => (None, "monitoring"),
    };
    if let Some(top) = top
        && !doc.contains_key(top)
    {
        let mut t = Table::new();
        // No bare `[backends]` header: the entries' own headers are enough.
        t.set_implicit(true);
        doc.insert(top, Item::Table(t));
    }
    let (old_decor, old_position, siblings_end) = {
        let parent = parent_mut(&mut doc, top)?;
        let old = parent.get(key).and_then(Item::as_table);
        let siblings_end = top.and_then(|_| max_position(parent));
        (
            old.map(|t| t.decor().clone()),
            old.and_then(Table::position),
            siblings_end,
        )
    };
    let position = match (old_position, siblings_end) {
        // A replaced entry keeps its place.
        (Some(p), _) => p,
        // A new entry goes right after its siblings ([backends.b] after [backends.a]).
        (None, Some(last)) => {
            shift_from(doc.as_table_mut(), last + 1);
            last + 1
        }
        (None, None) => max_position(doc.as_table()).map_or(0, |p| p + 1),
    };
    let mut new_table = take_table(&mut snippet, slot)?;
    match old_decor {
        // Keep the comment the operator wrote above the entry.
        Some(decor) => *new_table.decor_mut() = decor,
        // A blank line between the operator's last table and ours.
        None if !existing.trim().is_empty() => blank_line_before(&mut new_table),
        None => {}
    }
    place(&mut new_table, position);
    parent_mut(&mut doc, top)?.insert(key, Item::Table(new_table));
    Ok((doc.to_string(), section_text))
}

fn parent_mut<'d>(doc: &'d mut DocumentMut, top: Option<&str>) -> Result<&'d mut Table, SaveError> {
    match top {
        None => Ok(doc.as_table_mut()),
        Some(top) => doc
            .get_mut(top)
            .and_then(Item::as_table_mut)
            .ok_or_else(|| {
                SaveError::ParseConfig(format!(
                    "`{top}` in config.toml is not a table; expected [{top}.<name>] tables"
                ))
            }),
    }
}

/// Makes room at `from`: every table at or after it moves one place down.
fn shift_from(t: &mut Table, from: isize) {
    if let Some(p) = t.position()
        && p >= from
    {
        t.set_position(Some(p + 1));
    }
    for (_, item) in t.iter_mut() {
        if let Item::Table(sub) = item {
            shift_from(sub, from);
        }
    }
}

fn take_table(snippet: &mut DocumentMut, slot: &Slot<'_>) -> Result<Table, SaveError> {
    let missing = || SaveError::Serialize("the section did not serialize to a table".into());
    let item = match slot {
        Slot::Entry { top, name } => snippet
            .get_mut(top)
            .and_then(Item::as_table_mut)
            .and_then(|t| t.remove(name)),
        Slot::Monitoring => snippet.as_table_mut().remove("monitoring"),
    };
    match item {
        Some(Item::Table(t)) => Ok(t),
        _ => Err(missing()),
    }
}

/// The new table sits at `position`; its sub-tables carry no position of their own, so
/// they print right after it instead of wherever the snippet's numbering would put them.
fn place(table: &mut Table, position: isize) {
    table.set_position(Some(position));
    fn clear(t: &mut Table) {
        for (_, item) in t.iter_mut() {
            if let Item::Table(sub) = item {
                sub.set_position(None);
                clear(sub);
            }
        }
    }
    clear(table);
}

fn max_position(t: &Table) -> Option<isize> {
    let mut best = t.position();
    for (_, item) in t.iter() {
        if let Item::Table(sub) = item {
            best = best.max(max_position(sub));
        }
    }
    best
}

/// `{ warning = 80, critical = 95 }` reads better on one line than as its own table.
fn inline_level_pairs(t: &mut Table) {
    let mut inlined = Vec::new();
    for (key, item) in t.iter_mut() {
        if let Item::Table(sub) = item {
            let is_pair =
                sub.len() == 2 && sub.contains_key("warning") && sub.contains_key("critical");
            if is_pair {
                let inline = std::mem::take(sub).into_inline_table();
                *item = Item::Value(toml_edit::Value::InlineTable(inline));
                inlined.push(key.get().to_string());
            } else {
                inline_level_pairs(sub);
            }
        }
    }
    // A key that headed a table has no spaces around it; give it the usual `key = ` look.
    for key in inlined {
        if let Some(mut k) = t.key_mut(&key) {
            k.fmt();
        }
    }
}

/// Puts a blank line before the first header the table prints: its own, or for an
/// implicit table (`[monitoring]` holding only sub-tables) its first sub-table's.
fn blank_line_before(t: &mut Table) {
    if !t.is_implicit() {
        t.decor_mut().set_prefix("\n");
    } else if let Some(sub) = t.iter_mut().find_map(|(_, item)| item.as_table_mut()) {
        blank_line_before(sub);
    }
}
