//! Event filters as people type them: `user=alice action=pin.add status=failed
//! details.cid=Qm… free text`. Terms are ANDed; `field=value` compares the whole value (any
//! case), `field!=value` excludes it, `field~text` looks for a part of it, a bare word looks
//! for a part of the event's label, event type, status or detail values.
//!
//! ```
//! use ipfs_kit_audit::{Loader, filter::Filter};
//! let mut l = Loader::new();
//! l.read_lines("mem", [
//!     r#"{"timestamp": 1767323045, "action": "pin.add", "status": "failure", "user_id": "bob"}"#,
//!     r#"{"timestamp": 1767323046, "action": "pin.add", "status": "success", "user_id": "amy"}"#,
//! ]);
//! let (ix, _) = l.finish();
//! let f = Filter::parse("action=pin.add status=failed").unwrap();
//! assert_eq!(f.select(&ix, 0..ix.len()), vec![0]);
//! ```

use std::ops::Range;

use crate::index::{Index, Rec};
use crate::intern::NONE;

/// A field a term names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Field {
    Id,
    User,
    Action,
    EventType,
    Resource,
    ResourceType,
    Status,
    Subsystem,
    Operation,
    Session,
    Transaction,
    Ip,
    Cid,
    Daemon,
    /// `details.KEY`.
    Detail(String),
}

impl Field {
    /// The names a term may use for each field.
    pub const NAMES: &'static str = "id, user, action, type, resource, resource_type, status, \
                                     subsystem, operation, session, transaction, ip, cid, \
                                     daemon, details.KEY";

    fn parse(s: &str) -> Option<Field> {
        let l = s.to_ascii_lowercase();
        if let Some(k) = s.strip_prefix("details.").filter(|k| !k.is_empty()) {
            return Some(Field::Detail(k.to_string()));
        }
        Some(match l.as_str() {
            "id" | "event_id" => Field::Id,
            "user" | "user_id" => Field::User,
            "action" => Field::Action,
            "type" | "event_type" => Field::EventType,
            "resource" | "resource_id" => Field::Resource,
            "resource_type" => Field::ResourceType,
            "status" => Field::Status,
            "subsystem" => Field::Subsystem,
            "operation" | "operation_id" | "op" => Field::Operation,
            "session" | "session_id" => Field::Session,
            "transaction" | "transaction_id" => Field::Transaction,
            "ip" | "ip_address" => Field::Ip,
            "cid" => Field::Cid,
            "daemon" => Field::Daemon,
            _ => return None,
        })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Is,
    IsNot,
    Contains,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Term {
    Field { field: Field, op: Op, value: String },
    Text(String),
}

/// A parsed filter; the empty filter keeps every event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    terms: Vec<Term>,
}

/// Why a filter could not be parsed, with the term at fault.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("filter term {term:?}: {message}")]
pub struct FilterError {
    pub term: String,
    pub message: String,
}

impl Filter {
    /// Parses whitespace-separated terms (see the module docs).
    pub fn parse(s: &str) -> Result<Filter, FilterError> {
        let mut terms = Vec::new();
        for word in s.split_whitespace() {
            let split = ["!=", "=", "~"]
                .iter()
                .filter_map(|sep| word.find(sep).map(|at| (at, *sep)))
                .min_by_key(|(at, _)| *at);
            let Some((at, sep)) = split.filter(|(at, _)| *at > 0) else {
                terms.push(Term::Text(word.to_lowercase()));
                continue;
            };
            let (name, value) = (&word[..at], &word[at + sep.len()..]);
            let field = Field::parse(name).ok_or_else(|| FilterError {
                term: word.to_string(),
                message: format!("unknown field {name:?} (fields: {})", Field::NAMES),
            })?;
            let op = match sep {
                "!=" => Op::IsNot,
                "~" => Op::Contains,
                _ => Op::Is,
            };
            let value = if field == Field::Status && op != Op::Contains {
                crate::Status::from_word(value).as_str().to_string()
            } else {
                value.to_string()
            };
            terms.push(Term::Field { field, op, value });
        }
        Ok(Filter { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Whether event `i` passes every term.
    pub fn matches(&self, ix: &Index, i: usize) -> bool {
        let r = &ix.recs[i];
        self.terms.iter().all(|t| match t {
            Term::Text(needle) => text_matches(ix, i, r, needle),
            Term::Field { field, op, value } => {
                let v = field_value(ix, r, field);
                let hit = match op {
                    Op::Contains => {
                        v.is_some_and(|v| v.to_lowercase().contains(&value.to_lowercase()))
                    }
                    Op::Is | Op::IsNot => v.is_some_and(|v| v.eq_ignore_ascii_case(value)),
                };
                hit == (*op != Op::IsNot)
            }
        })
    }

    /// The events of `range` that pass, in time order.
    pub fn select(&self, ix: &Index, range: Range<usize>) -> Vec<usize> {
        range.filter(|&i| self.matches(ix, i)).collect()
    }
}

fn field_value<'a>(ix: &'a Index, r: &Rec, field: &Field) -> Option<&'a str> {
    let f = &ix.f;
    match field {
        Field::Id => f.ids.resolve(r.id),
        Field::User => f.users.resolve(r.user),
        Field::Action => f.actions.resolve(r.action),
        Field::EventType => f.event_types.resolve(r.event_type),
        Field::Resource => f.resources.resolve(r.resource),
        Field::ResourceType => f.resource_types.resolve(r.resource_type),
        Field::Status => Some(r.status.as_str()),
        Field::Subsystem => f.subsystems.resolve(r.subsystem),
        Field::Operation => f.operations.resolve(r.operation),
        Field::Session => f.sessions.resolve(r.session),
        Field::Transaction => f.transactions.resolve(r.transaction),
        Field::Ip => f.ips.resolve(r.ip),
        Field::Cid => f.resources.resolve(r.cid),
        Field::Daemon => f.resources.resolve(r.daemon),
        Field::Detail(k) => {
            let key = f.detail_keys.get(k)?;
            let v = ix.detail(r, key);
            (v != NONE).then(|| f.detail_values.name(v))
        }
    }
}

fn text_matches(ix: &Index, i: usize, r: &Rec, needle: &str) -> bool {
    let has = |s: &str| s.to_lowercase().contains(needle);
    has(&ix.label(i))
        || has(ix.f.event_types.name(r.event_type))
        || has(r.status.as_str())
        || ix
            .details(r)
            .iter()
            .any(|(_, v)| has(ix.f.detail_values.name(*v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Loader;

    fn ix() -> Index {
        let mut l = Loader::new();
        l.read_lines(
            "t",
            [
                r#"{"timestamp":"2026-11-21T10:00:00Z","event_id":"e1","operation_id":"o1","session_id":"s","event_type":"pin","action":"pin.add","resource":"bafyA","resource_type":"pin","user_id":"alice","status":"failed","details":{"error":"bad cid"}}"#,
                r#"{"timestamp":"2026-11-21T10:01:00Z","event_id":"e2","operation_id":"o2","session_id":"s","event_type":"daemon","action":"daemon.restart","resource":"kubo","resource_type":"daemon","user_id":"bob","status":"ok","details":{}}"#,
                r#"{"timestamp":"2026-11-21T10:02:00Z","event_id":"e3","operation_id":"o3","session_id":"s","event_type":"pin","action":"pin.add","resource":"bafyB","resource_type":"pin","user_id":"alice","status":"ok","details":{}}"#,
            ],
        );
        l.finish().0
    }

    fn sel(f: &str) -> Vec<usize> {
        let ix = ix();
        Filter::parse(f).expect("parses").select(&ix, 0..ix.len())
    }

    #[test]
    fn fields_and_text() {
        assert_eq!(sel(""), vec![0, 1, 2]);
        assert_eq!(sel("user=alice"), vec![0, 2]);
        assert_eq!(sel("user=ALICE action=pin.add status=failure"), vec![0]);
        assert_eq!(sel("status!=ok"), vec![0]);
        assert_eq!(sel("details.error=bad"), Vec::<usize>::new());
        assert_eq!(sel("details.error~bad"), vec![0]);
        assert_eq!(sel("kubo"), vec![1]);
        assert_eq!(sel("resource~bafy user=alice"), vec![0, 2]);
        assert_eq!(sel("id=e3"), vec![2]);
        assert_eq!(sel("operation=o2"), vec![1]);
        // A value may itself hold `=`.
        assert_eq!(sel("details.error=bad=x"), Vec::<usize>::new());
    }

    #[test]
    fn unknown_field_names_the_term() {
        let e = Filter::parse("colour=red").unwrap_err();
        assert_eq!(e.term, "colour=red");
        assert!(e.message.contains("unknown field"), "{e}");
        // `=x` has no field name: free text.
        assert_eq!(sel("=x"), Vec::<usize>::new());
    }
}
