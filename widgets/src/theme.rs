//! Colours and symbols, chosen by the caller: colour or monochrome, Unicode or ASCII.

use ratatui::{
    style::{Color, Modifier, Style},
    symbols::{bar, block, border, marker::Marker},
};

use crate::level::Level;

/// The colours a theme uses when colour is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    /// Healthy, running, within thresholds.
    pub ok: Color,
    /// Neutral information, work in progress.
    pub info: Color,
    /// Degraded, above the warning threshold.
    pub warning: Color,
    /// Failed, unhealthy, above the critical threshold.
    pub critical: Color,
    /// No data.
    pub unknown: Color,
    /// Values and highlights.
    pub accent: Color,
    /// Borders, labels, secondary text.
    pub muted: Color,
    /// One colour per chart series, in order.
    pub series: [Color; 4],
    /// Heat map ramp, coolest first.
    pub ramp: [Color; 5],
}

impl Default for Palette {
    fn default() -> Self {
        Self {
            ok: Color::Green,
            info: Color::Cyan,
            warning: Color::Yellow,
            critical: Color::Red,
            unknown: Color::Gray,
            accent: Color::Cyan,
            muted: Color::DarkGray,
            series: [Color::Green, Color::Blue, Color::Magenta, Color::Yellow],
            // 256-colour greens, dark to bright.
            ramp: [
                Color::Indexed(22),
                Color::Indexed(28),
                Color::Indexed(34),
                Color::Indexed(40),
                Color::Indexed(46),
            ],
        }
    }
}

/// Decides colour on/off and Unicode/ASCII symbols for every widget.
///
/// With `color` off no cell gets a foreground or background colour: levels show as bold and
/// reversed text next to their glyph and word. With `ascii` on every symbol drawn is ASCII:
/// `+-|` borders, `#=` bars, `*+` chart markers, ` .:-=+*#%@` heat map shades. Text that
/// comes in the view data (titles, labels, messages) is drawn as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Use colours; off for `NO_COLOR` and monochrome terminals.
    pub color: bool,
    /// Draw only ASCII characters.
    pub ascii: bool,
    /// The colours used when `color` is on.
    pub palette: Palette,
}

impl Default for Theme {
    /// Colour and Unicode.
    fn default() -> Self {
        Self {
            color: true,
            ascii: false,
            palette: Palette::default(),
        }
    }
}

/// Box-drawing-free border: `+--+` and `|`.
pub const ASCII_BORDER: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

/// Vertical bar levels for sparklines in ASCII mode, lowest to highest.
pub const ASCII_BARS: bar::Set<'static> = bar::Set {
    full: "#",
    seven_eighths: "#",
    three_quarters: "=",
    five_eighths: "=",
    half: "-",
    three_eighths: "-",
    one_quarter: "_",
    one_eighth: "_",
    empty: " ",
};

const UNICODE_SHADES: [&str; 5] = [" ", "░", "▒", "▓", "█"];
const ASCII_SHADES: [&str; 10] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"];
const UNICODE_MARKERS: [char; 4] = ['•', '×', '◦', '+'];
const ASCII_MARKERS: [char; 4] = ['*', '+', 'o', 'x'];

impl Theme {
    /// Unicode symbols, no colours: for `NO_COLOR` and monochrome terminals.
    pub fn monochrome() -> Self {
        Self {
            color: false,
            ..Self::default()
        }
    }

    /// ASCII symbols with colours, for consoles without Unicode fonts (the Linux VT, serial
    /// lines). Set `color: false` as well for plain text logs.
    pub fn ascii() -> Self {
        Self {
            ascii: true,
            ..Self::default()
        }
    }

    /// Style for a level: its colour, or in monochrome bold (warning) and reversed (critical).
    pub fn level(&self, level: Level) -> Style {
        let style = Style::new();
        if self.color {
            let p = &self.palette;
            match level {
                Level::Ok => style.fg(p.ok),
                Level::Info => style.fg(p.info),
                Level::Warning => style.fg(p.warning),
                Level::Critical => style.fg(p.critical).add_modifier(Modifier::BOLD),
                Level::Unknown => style.fg(p.unknown),
            }
        } else {
            match level {
                Level::Warning => style.add_modifier(Modifier::BOLD),
                Level::Critical => style.add_modifier(Modifier::BOLD | Modifier::REVERSED),
                Level::Unknown => style.add_modifier(Modifier::DIM),
                Level::Ok | Level::Info => style,
            }
        }
    }

    /// Style for a bar or gauge of a level. Never reversed, which would hide a full block.
    pub fn bar(&self, level: Level) -> Style {
        if self.color {
            Style::new().fg(match level {
                Level::Ok => self.palette.ok,
                Level::Info => self.palette.info,
                Level::Warning => self.palette.warning,
                Level::Critical => self.palette.critical,
                Level::Unknown => self.palette.unknown,
            })
        } else {
            Style::new()
        }
    }

    /// Style for the main number of a widget.
    pub fn value(&self) -> Style {
        let style = Style::new().add_modifier(Modifier::BOLD);
        if self.color {
            style.fg(self.palette.accent)
        } else {
            style
        }
    }

    /// Style for labels, borders and secondary text.
    pub fn muted(&self) -> Style {
        if self.color {
            Style::new().fg(self.palette.muted)
        } else {
            Style::new()
        }
    }

    /// Style for titles and table headers.
    pub fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// Style for the selected row: reversed, which reads with or without colour.
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Style for chart series `i`.
    pub fn series(&self, i: usize) -> Style {
        if self.color {
            Style::new().fg(self.palette.series[i % self.palette.series.len()])
        } else {
            Style::new()
        }
    }

    /// Border symbols.
    pub fn border_set(&self) -> border::Set<'static> {
        if self.ascii {
            ASCII_BORDER
        } else {
            border::PLAIN
        }
    }

    /// Vertical bar symbols for sparklines.
    pub fn bar_set(&self) -> bar::Set<'static> {
        if self.ascii {
            ASCII_BARS
        } else {
            bar::NINE_LEVELS
        }
    }

    /// The symbol for the last, partly filled cell of a horizontal bar, `eighths` in 0..8.
    pub fn partial_hbar(&self, eighths: u8) -> &'static str {
        if self.ascii {
            return match eighths {
                0 => "",
                1..=3 => "-",
                _ => "=",
            };
        }
        match eighths {
            0 => "",
            1 => block::ONE_EIGHTH,
            2 => block::ONE_QUARTER,
            3 => block::THREE_EIGHTHS,
            4 => block::HALF,
            5 => block::FIVE_EIGHTHS,
            6 => block::THREE_QUARTERS,
            _ => block::SEVEN_EIGHTHS,
        }
    }

    /// A full cell of a horizontal bar.
    pub fn full_hbar(&self) -> &'static str {
        if self.ascii { "#" } else { block::FULL }
    }

    /// The unfilled rest of a gauge.
    pub fn empty_hbar(&self) -> &'static str {
        if self.ascii { "." } else { "░" }
    }

    /// The shade characters a heat map uses, lightest first.
    pub fn shades(&self) -> &'static [&'static str] {
        if self.ascii {
            &ASCII_SHADES
        } else {
            &UNICODE_SHADES
        }
    }

    /// The chart marker for series `i`. Braille with colour; with monochrome or ASCII one
    /// distinct character per series, so the lines can be told apart without colour.
    pub fn marker(&self, i: usize) -> Marker {
        if self.color && !self.ascii {
            Marker::Braille
        } else {
            Marker::Custom(self.marker_char(i))
        }
    }

    /// The character naming series `i` in a legend.
    pub fn marker_char(&self, i: usize) -> char {
        let set = if self.ascii {
            ASCII_MARKERS
        } else {
            UNICODE_MARKERS
        };
        set[i % set.len()]
    }

    /// Where text was cut: `…` or `...`.
    pub fn ellipsis(&self) -> &'static str {
        crate::format::ellipsis(self.ascii)
    }

    /// Marks the selected row where reversed video may not show: `▶` or `>`.
    pub fn selection_marker(&self) -> &'static str {
        if self.ascii { ">" } else { "▶" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome_levels_have_no_colour() {
        let theme = Theme::monochrome();
        for level in [
            Level::Ok,
            Level::Info,
            Level::Warning,
            Level::Critical,
            Level::Unknown,
        ] {
            let style = theme.level(level);
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
        assert!(
            theme
                .level(Level::Critical)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
    }

    #[test]
    fn ascii_symbols_are_ascii() {
        let theme = Theme::ascii();
        let b = theme.border_set();
        for s in [
            b.top_left,
            b.horizontal_top,
            b.vertical_left,
            b.bottom_right,
        ] {
            assert!(s.is_ascii());
        }
        assert!(theme.shades().iter().all(|s| s.is_ascii()));
        assert!((0..8).all(|e| theme.partial_hbar(e).is_ascii()));
        assert!((0..4).all(|i| theme.marker_char(i).is_ascii()));
    }
}
