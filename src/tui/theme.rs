//! Which widget theme the dashboard uses: `--theme`, `--ascii` and `NO_COLOR`.

use ipfs_kit_widgets::Theme;

/// The `--theme` flag's values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ThemeName {
    /// Colours (unless NO_COLOR is set and no theme was asked for).
    Default,
    /// No colours: states read from glyphs, words, bold and reverse video.
    Monochrome,
}

/// The theme for the flags and the environment.
///
/// `NO_COLOR` (present and not empty, <https://no-color.org>) turns colour off unless
/// `--theme default` asks for it explicitly: a per-invocation flag wins over the environment.
/// `--ascii` keeps the colour choice and swaps every symbol for ASCII.
pub fn select(theme: Option<ThemeName>, ascii: bool, no_color: Option<&str>) -> Theme {
    let color = match theme {
        Some(ThemeName::Default) => true,
        Some(ThemeName::Monochrome) => false,
        None => no_color.is_none_or(str::is_empty),
    };
    Theme {
        color,
        ascii,
        ..Theme::default()
    }
}

/// [`select`] with the process environment.
pub fn from_env(theme: Option<ThemeName>, ascii: bool) -> Theme {
    let no_color = std::env::var("NO_COLOR").ok();
    select(theme, ascii, no_color.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_unless_a_theme_is_asked_for() {
        assert!(select(None, false, None).color);
        assert!(select(None, false, Some("")).color);
        assert!(!select(None, false, Some("1")).color);
        assert!(select(Some(ThemeName::Default), false, Some("1")).color);
        assert!(!select(Some(ThemeName::Monochrome), false, None).color);
        let t = select(None, true, Some("1"));
        assert!(t.ascii && !t.color);
    }
}
