//! Everything the CLI prints on a terminal goes through here, so no text from outside the
//! process (a server's error message, a log line, a history detail) can write escape
//! sequences to the operator's terminal. `clippy.toml` disallows `println!`/`eprintln!`
//! elsewhere; the macros below are the replacement. JSON output keeps the text, escaped
//! ([`json`]: serde's escapes plus C1 controls and bidi overrides).
//!
//! The sanitiser itself is the widgets crate's, which the dashboard uses as well.

pub mod json;

use std::fmt;
use std::io::{self, Write};

pub use ipfs_kit_widgets::sanitize::{multi_line, one_line};

/// Writes one sanitised line (line breaks in it become spaces) and a newline.
pub fn line(out: &mut dyn Write, args: fmt::Arguments<'_>) -> io::Result<()> {
    let text = args.to_string();
    writeln!(out, "{}", one_line(&text))
}

/// Writes sanitised text that is several lines on purpose (a log tail in an error, a config
/// excerpt, a diff), and a newline.
pub fn block(out: &mut dyn Write, args: fmt::Arguments<'_>) -> io::Result<()> {
    let text = args.to_string();
    writeln!(out, "{}", multi_line(&text))
}

/// `eprintln!` with the text sanitised to one line. A closed stderr is not worth a panic.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = $crate::term::line(&mut ::std::io::stderr().lock(), format_args!($($arg)*));
    }};
}

/// `eprintln!` for text that is several lines on purpose (error chains with log tails).
#[macro_export]
macro_rules! say_block {
    ($($arg:tt)*) => {{
        let _ = $crate::term::block(&mut ::std::io::stderr().lock(), format_args!($($arg)*));
    }};
}

/// `println!` with the text sanitised to one line.
#[macro_export]
macro_rules! show {
    ($($arg:tt)*) => {{
        let _ = $crate::term::line(&mut ::std::io::stdout().lock(), format_args!($($arg)*));
    }};
}

/// `println!` for text that is several lines on purpose (a wizard's diff).
#[macro_export]
macro_rules! show_block {
    ($($arg:tt)*) => {{
        let _ = $crate::term::block(&mut ::std::io::stdout().lock(), format_args!($($arg)*));
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_block() {
        let mut out = Vec::new();
        line(&mut out, format_args!("x {}", "a\nb\u{1b}]0;t\u{7}")).expect("write");
        block(&mut out, format_args!("y {}", "a\nb\u{9b}2J")).expect("write");
        assert_eq!(String::from_utf8_lossy(&out), "x a b\ny a\nb\n");
    }
}
