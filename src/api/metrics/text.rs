//! The Prometheus text exposition format 0.0.4, written into one String: a family's `# HELP`
//! and `# TYPE` lines, then its samples, label values escaped (daemon, peer, backend and
//! rule names come from outside), numbers as Go's ParseFloat reads them.

use std::fmt::Write;

#[derive(Clone, Copy)]
pub enum Kind {
    Gauge,
    Counter,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Gauge => "gauge",
            Kind::Counter => "counter",
            Kind::Histogram => "histogram",
        }
    }
}

pub struct Text {
    buf: String,
    /// The family samples are written for.
    name: &'static str,
    /// Its HELP and TYPE, until its first sample writes them: a family with no sample
    /// (a source down, a figure not reported) leaves nothing behind.
    head: Option<(Kind, &'static str)>,
}

impl Text {
    pub fn with_capacity(n: usize) -> Text {
        Text {
            buf: String::with_capacity(n),
            name: "",
            head: None,
        }
    }

    pub fn finish(self) -> String {
        self.buf
    }

    /// Starts the family `name`; the samples that follow belong to it.
    pub fn family(&mut self, name: &'static str, kind: Kind, help: &'static str) {
        self.name = name;
        self.head = Some((kind, help));
    }

    /// One sample of the current family: `name` + `suffix` (`_bucket`, `_sum`, `_count` for
    /// histograms, else ""), its labels and value.
    pub fn sample(&mut self, suffix: &str, labels: &[(&str, &str)], value: impl Value) {
        if let Some((kind, help)) = self.head.take() {
            self.buf.push_str("# HELP ");
            self.buf.push_str(self.name);
            self.buf.push(' ');
            escape_into(&mut self.buf, help, false);
            self.buf.push_str("\n# TYPE ");
            self.buf.push_str(self.name);
            self.buf.push(' ');
            self.buf.push_str(kind.as_str());
            self.buf.push('\n');
        }
        self.buf.push_str(self.name);
        self.buf.push_str(suffix);
        if !labels.is_empty() {
            self.buf.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.buf.push(',');
                }
                self.buf.push_str(k);
                self.buf.push_str("=\"");
                escape_into(&mut self.buf, v, true);
                self.buf.push('"');
            }
            self.buf.push('}');
        }
        self.buf.push(' ');
        value.write_to(&mut self.buf);
        self.buf.push('\n');
    }

    /// A sample without labels.
    pub fn value(&mut self, value: impl Value) {
        self.sample("", &[], value);
    }
}

/// Label values escape `\`, `"` and newline; HELP text `\` and newline.
fn escape_into(buf: &mut String, s: &str, quote: bool) {
    if !s
        .bytes()
        .any(|b| b == b'\\' || b == b'\n' || (quote && b == b'"'))
    {
        buf.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\n' => buf.push_str("\\n"),
            '"' if quote => buf.push_str("\\\""),
            c => buf.push(c),
        }
    }
}

pub trait Value {
    fn write_to(self, buf: &mut String);
}

impl Value for u64 {
    fn write_to(self, buf: &mut String) {
        let _ = write!(buf, "{self}");
    }
}

impl Value for u32 {
    fn write_to(self, buf: &mut String) {
        u64::from(self).write_to(buf);
    }
}

impl Value for usize {
    fn write_to(self, buf: &mut String) {
        let _ = write!(buf, "{self}");
    }
}

impl Value for i64 {
    fn write_to(self, buf: &mut String) {
        let _ = write!(buf, "{self}");
    }
}

impl Value for bool {
    fn write_to(self, buf: &mut String) {
        buf.push(if self { '1' } else { '0' });
    }
}

impl Value for f64 {
    /// Rust prints infinity as `inf`, which Prometheus does not read.
    fn write_to(self, buf: &mut String) {
        if self.is_nan() {
            buf.push_str("NaN");
        } else if self.is_infinite() {
            buf.push_str(if self > 0.0 { "+Inf" } else { "-Inf" });
        } else {
            let _ = write!(buf, "{self}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_and_help_are_escaped() {
        let mut t = Text::with_capacity(64);
        t.family("x_info", Kind::Gauge, "back\\slash\nnewline \"kept\"");
        t.sample("", &[("name", "a\"b\\c\nd"), ("plain", "ok")], 1u64);
        assert_eq!(
            t.finish(),
            "# HELP x_info back\\\\slash\\nnewline \"kept\"\n# TYPE x_info gauge\n\
             x_info{name=\"a\\\"b\\\\c\\nd\",plain=\"ok\"} 1\n"
        );
    }

    #[test]
    fn numbers_are_written_as_prometheus_reads_them() {
        let mut t = Text::with_capacity(64);
        t.family("x", Kind::Gauge, "h");
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.25, 1e21] {
            t.value(v);
        }
        let s = t.finish();
        let values: Vec<&str> = s.lines().skip(2).map(|l| &l[2..]).collect();
        assert_eq!(
            values,
            ["NaN", "+Inf", "-Inf", "0.25", "1000000000000000000000"]
        );
    }

    #[test]
    fn a_family_without_samples_writes_nothing() {
        let mut t = Text::with_capacity(64);
        t.family("absent", Kind::Gauge, "h");
        t.family("present", Kind::Counter, "h");
        t.value(2u64);
        assert_eq!(
            t.finish(),
            "# HELP present h\n# TYPE present counter\npresent 2\n"
        );
    }
}
