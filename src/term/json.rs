//! JSON for stdout. serde_json escapes C0 controls, but writes C1 controls (U+0080–U+009F:
//! U+009B is a CSI to a terminal that honours C1) and bidi overrides as they are; printed on
//! a terminal (`--once --json` without a pipe) they would act. This formatter writes those as
//! `\uXXXX` too: the same JSON value, nothing left for a terminal to act on.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter, PrettyFormatter, Serializer};

/// Pretty JSON of `value`, terminal-safe. No newline after it.
pub fn write_pretty<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut ser = Serializer::with_formatter(out, Safe(PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(io::Error::other)
}

/// One-line JSON of `value`, terminal-safe. No newline after it.
pub fn write_compact<T: Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut ser = Serializer::with_formatter(out, Safe(CompactFormatter));
    value.serialize(&mut ser).map_err(io::Error::other)
}

struct Safe<F>(F);

fn needs_escape(c: char) -> bool {
    matches!(c, '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

impl<F: Formatter> Formatter for Safe<F> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if !fragment.chars().any(needs_escape) {
            return writer.write_all(fragment.as_bytes());
        }
        for c in fragment.chars() {
            if needs_escape(c) {
                write!(writer, "\\u{:04x}", u32::from(c))?;
            } else {
                let mut buf = [0; 4];
                writer.write_all(c.encode_utf8(&mut buf).as_bytes())?;
            }
        }
        Ok(())
    }

    // The layout is the inner formatter's.
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c1_and_bidi_are_escaped_and_the_value_is_the_same() {
        let v = serde_json::json!({ "m": "a\u{1b}[2J b\u{9b}31m c\u{202e}d é", "n": [1, 2] });
        let mut pretty = Vec::new();
        write_pretty(&mut pretty, &v).expect("write");
        let text = String::from_utf8(pretty).expect("utf8");
        assert!(text.contains(r"a\u001b[2J b\u009b31m c\u202ed é"), "{text}");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).expect("json"),
            v
        );
        // Same layout as serde_json's own pretty printer when nothing needs escaping.
        let plain = serde_json::json!({ "a": [1, {"b": "c"}] });
        let mut ours = Vec::new();
        write_pretty(&mut ours, &plain).expect("write");
        assert_eq!(
            String::from_utf8(ours).expect("utf8"),
            serde_json::to_string_pretty(&plain).expect("json")
        );
        let mut compact = Vec::new();
        write_compact(&mut compact, &plain).expect("write");
        assert_eq!(compact, serde_json::to_vec(&plain).expect("json"));
    }
}
