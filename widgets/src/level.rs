//! The shared notion of how good or bad something is, and how a state shows itself.

/// How good or bad a state is; decides colour and the default glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// All is well.
    Ok,
    /// Neutral information, or work in progress.
    Info,
    /// Needs attention soon.
    Warning,
    /// Needs attention now.
    Critical,
    /// No data to judge by.
    #[default]
    Unknown,
}

impl Level {
    /// The glyph that carries the level without colour: `✔ ▲ ✖ ? •`, or `[OK] [!!] [XX] [??] [ii]`.
    pub fn glyph(self, ascii: bool) -> &'static str {
        match (self, ascii) {
            (Level::Ok, false) => "✔",
            (Level::Info, false) => "•",
            (Level::Warning, false) => "▲",
            (Level::Critical, false) => "✖",
            (Level::Unknown, false) => "?",
            (Level::Ok, true) => "[OK]",
            (Level::Info, true) => "[ii]",
            (Level::Warning, true) => "[!!]",
            (Level::Critical, true) => "[XX]",
            (Level::Unknown, true) => "[??]",
        }
    }

    /// How bad the level is, for picking the worst of several: Ok < Info < Unknown < Warning < Critical.
    pub fn rank(self) -> u8 {
        match self {
            Level::Ok => 0,
            Level::Info => 1,
            Level::Unknown => 2,
            Level::Warning => 3,
            Level::Critical => 4,
        }
    }

    /// The worse of two levels.
    pub fn worst(self, other: Level) -> Level {
        if other.rank() > self.rank() {
            other
        } else {
            self
        }
    }
}

/// A state that can show itself as a glyph and a word as well as a colour.
pub trait Indicator {
    /// The level that decides colour and the default glyph.
    fn level(&self) -> Level;
    /// The word shown after the glyph, lower case: `healthy`, `failed`.
    fn word(&self) -> &'static str;
    /// The glyph; defaults to the level's.
    fn glyph(&self, ascii: bool) -> &'static str {
        self.level().glyph(ascii)
    }
    /// Glyph and word together: `✔ healthy` or `[OK] healthy`.
    fn badge(&self, ascii: bool) -> String {
        format!("{} {}", self.glyph(ascii), self.word())
    }
}

impl Indicator for Level {
    fn level(&self) -> Level {
        *self
    }

    fn word(&self) -> &'static str {
        match self {
            Level::Ok => "ok",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Critical => "critical",
            Level::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_glyphs_are_ascii() {
        for level in [
            Level::Ok,
            Level::Info,
            Level::Warning,
            Level::Critical,
            Level::Unknown,
        ] {
            assert!(level.glyph(true).is_ascii());
            assert!(level.badge(true).is_ascii());
        }
    }

    #[test]
    fn worst_prefers_the_more_severe() {
        assert_eq!(Level::Ok.worst(Level::Warning), Level::Warning);
        assert_eq!(Level::Critical.worst(Level::Unknown), Level::Critical);
        assert_eq!(Level::Ok.worst(Level::Unknown), Level::Unknown);
    }
}
