//! A single-pass reader of one JSON line into `RawLine`, for the shapes the three schemas
//! write: flat objects of unescaped strings, simple numbers, `details` of scalars and the
//! small `metadata`/`alert` objects. It fills the same `RawLine` serde would, about five times
//! faster, and gives up (`None`) on anything else — an escape, a duplicate field, a number
//! it cannot convert the way serde_json does, a nested value under `details`, invalid JSON —
//! so that serde_json reads that line and every result, error messages included, is the same.
//! The differential tests in `scan_tests.rs` hold it to that.

use std::borrow::Cow;

use crate::events::{Details, Meta, RawAlert, RawLine, RawTime, S, epoch_ms, parse_time_text};

/// `None`: not understood here, let serde_json read the line.
pub(crate) fn scan(line: &str) -> Option<RawLine<'_>> {
    let mut p = P {
        s: line,
        b: line.as_bytes(),
        i: 0,
    };
    let mut r = RawLine::default();
    let mut seen = 0u32;
    p.object(|p, key| {
        let bit = match key {
            "event_id" => 0,
            "request_id" => 1,
            "operation_id" => 2,
            "session_id" => 3,
            "transaction_id" => 4,
            "subsystem" => 5,
            "timestamp" => 6,
            "duration_ms" => 7,
            "event_type" => 8,
            "action" => 9,
            "resource" => 10,
            "resource_type" => 11,
            "resource_id" => 12,
            "user_id" => 13,
            "status" => 14,
            "ip_address" => 15,
            "details" => 16,
            "metadata" => 17,
            "at" => 18,
            "kind" => 19,
            "alert" => 20,
            _ => return p.skip(0),
        };
        // serde's derive rejects a repeated field: leave that error to it.
        if seen & (1 << bit) != 0 {
            return None;
        }
        seen |= 1 << bit;
        match bit {
            0 => r.event_id = p.opt_str()?,
            1 => r.request_id = p.opt_str()?,
            2 => r.operation_id = p.opt_str()?,
            3 => r.session_id = p.opt_str()?,
            4 => r.transaction_id = p.opt_str()?,
            5 => r.subsystem = p.opt_str()?,
            6 => r.timestamp = p.opt_time()?,
            7 => r.duration_ms = p.opt_f64()?,
            8 => r.event_type = p.opt_str()?,
            9 => r.action = p.opt_str()?,
            10 => r.resource = p.opt_str()?,
            11 => r.resource_type = p.opt_str()?,
            12 => r.resource_id = p.opt_str()?,
            13 => r.user_id = p.opt_str()?,
            14 => r.status = p.opt_str()?,
            15 => r.ip_address = p.opt_str()?,
            16 => r.details = p.opt_details()?,
            17 => r.metadata = p.opt_meta()?,
            18 => r.at = p.opt_time()?,
            19 => r.kind = p.opt_str()?,
            _ => r.alert = p.opt_alert()?,
        }
        Some(())
    })?;
    p.ws();
    (p.i == p.b.len()).then_some(r)
}

/// Bytes before the closing quote of a string starting at `b[0]`; `None` at an escape, a
/// control character (serde_json rejects those) or the end of the line. Eight bytes a step.
fn string_len(b: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut j = 0;
    while let Some(w) = b.get(j..j + 8) {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        let x = u64::from_le_bytes(a);
        let quote = x ^ (ONES * u64::from(b'"'));
        let slash = x ^ (ONES * u64::from(b'\\'));
        // The lowest flagged byte is exact for each test (borrows only run upwards).
        let hit = ((quote.wrapping_sub(ONES) & !quote)
            | (slash.wrapping_sub(ONES) & !slash)
            | (x.wrapping_sub(ONES * 0x20) & !x))
            & HIGH;
        if hit != 0 {
            let k = j + (hit.trailing_zeros() / 8) as usize;
            return (b[k] == b'"').then_some(k);
        }
        j += 8;
    }
    loop {
        match *b.get(j)? {
            b'"' => return Some(j),
            b'\\' | 0..=0x1f => return None,
            _ => j += 1,
        }
    }
}

/// The exact powers of ten an f64 holds (serde_json divides by these).
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Deepest nesting skipped here (serde_json's own limit is 128).
const MAX_DEPTH: u32 = 64;

struct P<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> P<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    fn lit(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// A string without escapes (the cursor at its opening quote).
    fn string(&mut self) -> Option<&'a str> {
        let start = self.i + 1;
        let j = start + string_len(self.b.get(start..)?)?;
        self.i = j + 1;
        // Both ends sit next to an ASCII quote, so they are character boundaries.
        self.s.get(start..j)
    }

    /// `{ "key": value, ... }`; `field` reads each value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.expect(b'{')?;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            if self.peek()? != b'"' {
                return None;
            }
            let key = self.string()?;
            self.expect(b':')?;
            self.ws();
            field(self, key)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// `Some(None)` for null, `Some(Some(s))` for a string, `None` for anything else.
    fn opt_str(&mut self) -> Option<S<'a>> {
        match self.peek()? {
            b'"' => Some(Some(Cow::Borrowed(self.string()?))),
            b'n' => self.lit(b"null").map(|_| None),
            _ => None,
        }
    }

    /// The text of a number, checked against JSON's grammar.
    fn number_text(&mut self) -> Option<&'a str> {
        let b = self.b;
        let start = self.i;
        let mut j = start;
        let digits = |j: &mut usize| {
            let from = *j;
            while let Some(b'0'..=b'9') = b.get(*j) {
                *j += 1;
            }
            *j > from
        };
        if b.get(j) == Some(&b'-') {
            j += 1;
        }
        match b.get(j)? {
            b'0' => j += 1,
            b'1'..=b'9' => {
                digits(&mut j);
            }
            _ => return None,
        }
        if b.get(j) == Some(&b'.') {
            j += 1;
            if !digits(&mut j) {
                return None;
            }
        }
        if let Some(b'e' | b'E') = b.get(j) {
            j += 1;
            if let Some(b'+' | b'-') = b.get(j) {
                j += 1;
            }
            if !digits(&mut j) {
                return None;
            }
        }
        self.i = j;
        self.s.get(start..j)
    }

    /// A number as serde_json converts it to f64. Up to 15 digits without sign or exponent the
    /// significand and the power of ten are exact, so the one division is correctly rounded —
    /// what serde_json computes too (with or without its `float_roundtrip` feature). Other
    /// numbers are handed to serde_json itself.
    fn f64(&mut self) -> Option<f64> {
        let b = self.b;
        let start = self.i;
        let mut j = start;
        let mut sig = 0u64;
        while let Some(&c @ b'0'..=b'9') = b.get(j) {
            sig = sig.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            j += 1;
        }
        let int_digits = j - start;
        let mut frac = 0usize;
        if b.get(j) == Some(&b'.') {
            let f0 = j + 1;
            j = f0;
            while let Some(&c @ b'0'..=b'9') = b.get(j) {
                sig = sig.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                j += 1;
            }
            frac = j - f0;
        }
        let plain = int_digits > 0
            && (int_digits == 1 || b[start] != b'0')
            && (b.get(j - 1) != Some(&b'.'))
            && int_digits + frac <= 15
            && !matches!(
                b.get(j),
                Some(b'e' | b'E' | b'-' | b'+' | b'.' | b'0'..=b'9')
            );
        if !plain {
            self.i = start;
            let t = self.number_text()?;
            return serde_json::from_str::<f64>(t).ok();
        }
        self.i = j;
        Some(sig as f64 / POW10[frac])
    }

    fn opt_f64(&mut self) -> Option<Option<f64>> {
        match self.peek()? {
            b'n' => self.lit(b"null").map(|_| None),
            b'-' | b'0'..=b'9' => self.f64().map(Some),
            _ => None,
        }
    }

    fn opt_time(&mut self) -> Option<Option<RawTime>> {
        match self.peek()? {
            b'n' => self.lit(b"null").map(|_| None),
            b'"' => {
                let s = self.string()?;
                parse_time_text(s).map(|ms| Some(RawTime::Text(ms)))
            }
            b'-' | b'0'..=b'9' => {
                let x = self.f64()?;
                epoch_ms(x).map(|ms| Some(RawTime::Epoch(ms)))
            }
            _ => None,
        }
    }

    fn opt_details(&mut self) -> Option<Option<Details<'a>>> {
        if self.peek()? == b'n' {
            return self.lit(b"null").map(|_| None);
        }
        let mut out = Vec::new();
        self.object(|p, key| {
            let v: &'a str = match p.peek()? {
                b'"' => p.string()?,
                b't' => p.lit(b"true").map(|_| "true")?,
                b'f' => p.lit(b"false").map(|_| "false")?,
                b'n' => return p.lit(b"null"),
                // A plain integer prints back as its own text; floats and signs go to serde.
                b'0'..=b'9' => {
                    let t = p.number_text()?;
                    if t.len() > 18 || !t.bytes().all(|c| c.is_ascii_digit()) {
                        return None;
                    }
                    t
                }
                _ => return None,
            };
            out.push((Cow::Borrowed(key), Cow::Borrowed(v)));
            Some(())
        })?;
        Some(Some(Details(out)))
    }

    fn opt_meta(&mut self) -> Option<Option<Meta<'a>>> {
        if self.peek()? == b'n' {
            return self.lit(b"null").map(|_| None);
        }
        let mut m = Meta::default();
        let mut seen = 0u8;
        self.object(|p, key| {
            let bit = match key {
                "operation_id" => 0,
                "session_id" => 1,
                "transaction_id" => 2,
                "subsystem" => 3,
                _ => return p.skip(0),
            };
            if seen & (1 << bit) != 0 {
                return None;
            }
            seen |= 1 << bit;
            let v = p.opt_str()?;
            match bit {
                0 => m.operation_id = v,
                1 => m.session_id = v,
                2 => m.transaction_id = v,
                _ => m.subsystem = v,
            }
            Some(())
        })?;
        Some(Some(m))
    }

    fn opt_alert(&mut self) -> Option<Option<RawAlert<'a>>> {
        if self.peek()? == b'n' {
            return self.lit(b"null").map(|_| None);
        }
        let mut a = RawAlert::default();
        let mut seen = 0u8;
        self.object(|p, key| {
            let bit = match key {
                "id" => 0,
                "rule" => 1,
                "metric" => 2,
                "severity" => 3,
                "message" => 4,
                "value" => 5,
                _ => return p.skip(0),
            };
            if seen & (1 << bit) != 0 {
                return None;
            }
            seen |= 1 << bit;
            match bit {
                0 => a.id = p.opt_str()?,
                1 => a.rule = p.opt_str()?,
                2 => a.metric = p.opt_str()?,
                3 => a.severity = p.opt_str()?,
                4 => a.message = p.opt_str()?,
                _ => a.value = p.opt_f64()?,
            }
            Some(())
        })?;
        Some(Some(a))
    }

    /// Skips any JSON value whose strings have no escapes, checking it as serde would.
    fn skip(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            b't' => self.lit(b"true"),
            b'f' => self.lit(b"false"),
            b'n' => self.lit(b"null"),
            b'-' | b'0'..=b'9' => self.number_text().map(|_| ()),
            b'{' => self.object(|p, _| p.skip(depth + 1)),
            b'[' => {
                self.i += 1;
                if self.peek()? == b']' {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.skip(depth + 1)?;
                    match self.peek()? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::string_len;

    fn naive(b: &[u8]) -> Option<usize> {
        for (k, &c) in b.iter().enumerate() {
            match c {
                b'"' => return Some(k),
                b'\\' | 0..=0x1f => return None,
                _ => {}
            }
        }
        None
    }

    #[test]
    fn string_len_finds_the_first_stop_at_any_offset() {
        for len in 0..24 {
            for at in 0..len {
                for stop in [b'"', b'\\', 0x00, 0x1f, b'\n', 0x7f, 0x80, 0xff, b' '] {
                    for tail in [&b"\"x"[..], b"", b"\\\"", b"\x01\""] {
                        let mut b: Vec<u8> = (0..len).map(|k| b"a\xc3\xa9~!#"[k % 6]).collect();
                        b[at] = stop;
                        b.extend_from_slice(tail);
                        assert_eq!(string_len(&b), naive(&b), "{b:?}");
                    }
                }
            }
        }
    }
}
