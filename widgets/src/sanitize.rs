//! The one sanitiser for text from outside the process (daemon errors, log lines, peer names,
//! CIDs, history details, config excerpts) before it reaches a terminal.
//!
//! A server that controls a string must not control the operator's terminal: clear the
//! screen, set the window title, move the cursor, or reorder what is read with bidi
//! overrides. So whole escape sequences are removed (CSI `ESC [ … final`, OSC/DCS/APC/PM/SOS
//! strings up to BEL or ST, two-character `ESC x`), and every other C0 control, DEL, C1
//! control (U+0080–U+009F) and bidi embedding/override/isolate (U+202A–U+202E,
//! U+2066–U+2069) becomes `?`, so the reader sees that something was there. Tabs and line
//! breaks become a space; [`multi_line`] keeps `\n` for text the caller prints as several
//! lines on purpose (a log tail, a config excerpt). Everything else, UTF-8 included, is kept.

use std::borrow::Cow;

use ratatui::buffer::Buffer;

const ESC: char = '\u{1b}';
const BEL: char = '\u{07}';
/// C1 forms of the sequence introducers and the string terminator.
const C1_CSI: char = '\u{9b}';
const C1_ST: char = '\u{9c}';

/// `s` safe to print on one terminal row: line breaks become spaces.
pub fn one_line(s: &str) -> Cow<'_, str> {
    clean(s, false)
}

/// `s` safe to print, keeping `\n` (and turning `\r\n` into `\n`): only for text the caller
/// prints as several lines deliberately.
pub fn multi_line(s: &str) -> Cow<'_, str> {
    clean(s, true)
}

/// Whether `c` may be printed as it is.
fn is_plain(c: char) -> bool {
    !(c.is_control() || is_bidi(c))
}

fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn clean(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if s.chars().all(is_plain) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ESC => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // ESC, intermediates (0x20–0x2F), one final byte: `ESC c`, `ESC ( B`.
                Some(' '..='/') => {
                    while chars.next_if(|c| matches!(c, ' '..='/')).is_some() {}
                    chars.next_if(|c| matches!(c, '0'..='~'));
                }
                Some('0'..='~') | None => {}
                // ESC before a printable non-ASCII or a control: drop the ESC alone and
                // look at what follows on its own.
                Some(other) => push_char(&mut out, other, keep_newlines),
            },
            C1_CSI => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\r' if keep_newlines && chars.peek() == Some(&'\n') => {}
            c => push_char(&mut out, c, keep_newlines),
        }
    }
    Cow::Owned(out)
}

fn push_char(out: &mut String, c: char, keep_newlines: bool) {
    match c {
        '\n' if keep_newlines => out.push('\n'),
        '\t' | '\n' | '\r' | '\u{0b}' | '\u{0c}' => out.push(' '),
        c if is_plain(c) => out.push(c),
        _ => out.push('?'),
    }
}

/// Parameters (0x30–0x3F) and intermediates (0x20–0x2F) up to the final byte (0x40–0x7E).
/// Anything else ends the sequence without being eaten.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while chars.next_if(|c| matches!(c, ' '..='?')).is_some() {}
    chars.next_if(|c| matches!(c, '@'..='~'));
}

/// An OSC/DCS/APC/PM/SOS string: everything up to BEL, `ESC \` or the C1 ST. An unterminated
/// one runs to the end of the text (a terminal would swallow it all as well).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            BEL | C1_ST => return,
            ESC => {
                chars.next_if_eq(&'\\');
                return;
            }
            _ => {}
        }
    }
}

/// A last pass over a drawn frame: any cell whose symbol is not plain text is blanked, so no
/// drawing path, however it got its text, can send a control to the terminal.
pub fn buffer(buf: &mut Buffer) {
    for cell in &mut buf.content {
        let sym = cell.symbol();
        if !sym.bytes().all(|b| (0x20..0x7f).contains(&b)) && !sym.chars().all(is_plain) {
            cell.set_symbol(" ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_and_utf8_are_kept_as_they_are() {
        for s in ["kubo down: connection refused", "Grüße, 日本語, 🚀 ok", ""] {
            assert!(matches!(one_line(s), Cow::Borrowed(_)), "{s}");
            assert_eq!(one_line(s), s);
        }
    }

    #[test]
    fn csi_sequences_go_whole() {
        assert_eq!(one_line("\u{1b}[2J\u{1b}[41mred\u{1b}[0m!"), "red!");
        assert_eq!(one_line("a\u{1b}[?1049hb"), "ab");
        assert_eq!(one_line("a\u{9b}31mb"), "ab");
    }

    #[test]
    fn osc_strings_end_at_bel_or_st() {
        assert_eq!(one_line("x\u{1b}]0;title\u{7}y"), "xy");
        assert_eq!(one_line("x\u{1b}]0;title\u{1b}\\y"), "xy");
        assert_eq!(one_line("x\u{9d}0;title\u{9c}y"), "xy");
        assert_eq!(
            one_line("\u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\"),
            "link"
        );
        assert_eq!(one_line("x\u{1b}Pdcs\u{1b}\\y"), "xy");
        // Unterminated: the rest would be swallowed by a terminal too.
        assert_eq!(one_line("x\u{1b}]0;never ends"), "x");
    }

    #[test]
    fn other_escapes_c0_c1_del_and_bidi_are_replaced() {
        assert_eq!(one_line("a\u{1b}cb\u{1b}(Bc"), "abc");
        assert_eq!(
            one_line("bell\u{7} nul\u{0} del\u{7f} bs\u{8}"),
            "bell? nul? del? bs?"
        );
        assert_eq!(one_line("c1\u{85}\u{8d}x"), "c1??x");
        assert_eq!(
            one_line("file\u{202e}txt.exe \u{2066}iso\u{2069}"),
            "file?txt.exe ?iso?"
        );
        assert_eq!(one_line("trailing\u{1b}"), "trailing");
    }

    #[test]
    fn line_breaks_are_explicit() {
        assert_eq!(one_line("one\ntwo\r\nthree\tfour"), "one two  three four");
        assert_eq!(
            multi_line("one\ntwo\r\nthree\u{1b}[2K\tfour\rfive"),
            "one\ntwo\nthree four five"
        );
    }

    #[test]
    fn hostile_server_message() {
        let msg = "\u{1b}[2J\u{1b}[41mpwned\u{1b}]0;title\u{7} rest";
        let out = one_line(msg);
        assert_eq!(out, "pwned rest");
        assert!(!out.chars().any(|c| c.is_control()));
    }

    #[test]
    fn buffer_pass_blanks_cells_with_controls() {
        use ratatui::layout::Rect;
        let mut buf = Buffer::empty(Rect::new(0, 0, 4, 1));
        buf[(0, 0)].set_symbol("a");
        buf[(1, 0)].set_symbol("\u{1b}");
        buf[(2, 0)].set_symbol("\u{202e}");
        buf[(3, 0)].set_symbol("é");
        buffer(&mut buf);
        let row: Vec<&str> = buf.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(row, ["a", " ", " ", "é"]);
    }
}
