//! The normalised audit event and the per-line schema detection.
//!
//! Three schemas are read, decided line by line (files mix them after upgrades or `cat`):
//! - ipfs-kit's `history.jsonl` (`OpEntry`): RFC 3339 `timestamp`, top-level `event_id`,
//!   `operation_id`, `session_id`, `status` ok|failed|running, `resource`/`resource_type`.
//! - ipfs-kit's `alerts.jsonl` (`AlertEvent`): `{at, kind, alert{id, rule, metric, severity, ...}}`.
//! - the Python original (`AuditEvent`): float-epoch or RFC 3339 `timestamp`, `event_id` or
//!   `request_id` or no id, `metadata{operation_id, session_id, transaction_id, subsystem}`,
//!   `ip_address`, `resource_id`/`resource_type`, statuses like success/failure/denied.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// Outcome of an event, folded from every schema's vocabulary.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Failed,
    /// Started, outcome not (yet) written.
    Running,
    /// Not a failure, but worth a look (a warning alert fired, an unauthorized probe).
    Warning,
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Failed => "failed",
            Status::Running => "running",
            Status::Warning => "warning",
            Status::Unknown => "unknown",
        }
    }

    /// Maps the words the three schemas use (case-insensitive).
    pub fn from_word(s: &str) -> Status {
        // Lower-cased on the stack: every word below is shorter than the buffer.
        let mut buf = [0u8; 16];
        let Some(l) = buf.get_mut(..s.len()) else {
            return Status::Unknown;
        };
        l.copy_from_slice(s.as_bytes());
        l.make_ascii_lowercase();
        match &*l {
            b"ok" | b"success" | b"succeeded" | b"successful" | b"complete" | b"completed"
            | b"done" | b"resolved" | b"allowed" | b"granted" => Status::Ok,
            b"failed" | b"failure" | b"fail" | b"error" | b"denied" | b"rejected"
            | b"forbidden" | b"unauthorized" | b"invalid" | b"timeout" | b"crashed" => {
                Status::Failed
            }
            b"running" | b"pending" | b"started" | b"in_progress" => Status::Running,
            b"warning" | b"warn" => Status::Warning,
            _ => Status::Unknown,
        }
    }
}

/// Which schema a line was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Schema {
    OpHistory,
    Alerts,
    Python,
}

/// One event, normalised. Owned form for callers; the index keeps a compact interned copy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Event {
    pub time: DateTime<Utc>,
    /// `event_id`, else `request_id`, else none (the original's AuditEvent has no id).
    pub id: Option<String>,
    pub event_type: String,
    pub action: String,
    pub user: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub status: Status,
    pub subsystem: Option<String>,
    pub operation_id: Option<String>,
    pub session_id: Option<String>,
    pub transaction_id: Option<String>,
    pub ip: Option<String>,
    pub duration_ms: Option<u64>,
    /// The pinned/unpinned CID (`resource` of a pin, or `details.cid`).
    pub cid: Option<String>,
    /// The daemon concerned (`resource` of a daemon/source event, or `details.daemon`).
    pub daemon: Option<String>,
    /// Scalar details as text; nested values are kept as "…".
    pub details: BTreeMap<String, String>,
    pub schema: Schema,
}

/// A line parsed, borrowing from the line where it can (no allocation for unescaped text).
#[derive(Debug)]
pub(crate) struct Norm<'a> {
    pub time_ms: i64,
    pub id: Option<Cow<'a, str>>,
    pub event_type: Cow<'a, str>,
    pub action: Cow<'a, str>,
    pub user: Option<Cow<'a, str>>,
    pub resource_type: Option<Cow<'a, str>>,
    pub resource_id: Option<Cow<'a, str>>,
    pub status: Status,
    pub subsystem: Option<Cow<'a, str>>,
    pub operation_id: Option<Cow<'a, str>>,
    pub session_id: Option<Cow<'a, str>>,
    pub transaction_id: Option<Cow<'a, str>>,
    pub ip: Option<Cow<'a, str>>,
    pub duration_ms: Option<u64>,
    pub cid: Option<Cow<'a, str>>,
    pub daemon: Option<Cow<'a, str>>,
    pub details: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    pub schema: Schema,
}

/// Why a line was not read.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum LineError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("no usable time (need `timestamp` as epoch seconds or RFC 3339, or `at`)")]
    NoTime,
    #[error("no `action` (or alert `kind`)")]
    NoAction,
    #[error("not UTF-8")]
    Utf8,
    /// The chain line at the top of a rotated history file (`chain.rs`): not an event.
    #[error("chain line")]
    ChainHeader,
}

/// Parses one line in whichever schema it is in.
pub fn parse_line(line: &str) -> Result<Event, LineError> {
    parse_norm(line.as_bytes()).map(Norm::into_event)
}

pub(crate) fn parse_norm(line: &[u8]) -> Result<Norm<'_>, LineError> {
    // Validating the line once is cheaper than serde_json checking every string of it.
    if crate::chain::is_header_line(line) {
        return Err(LineError::ChainHeader);
    }
    let line = std::str::from_utf8(line).map_err(|_| LineError::Utf8)?;
    // The scanner reads the usual lines; serde_json every other (and words the errors).
    let raw = match crate::scan::scan(line) {
        Some(raw) => raw,
        None => serde_raw(line)?,
    };
    raw.normalise()
}

fn serde_raw(line: &str) -> Result<RawLine<'_>, LineError> {
    serde_json::from_str(line).map_err(|e| LineError::Json(short_json_error(&e)))
}

/// `parse_norm` without the scanner: the reference the scanner is tested against.
#[cfg(test)]
pub(crate) fn parse_norm_serde(line: &[u8]) -> Result<Norm<'_>, LineError> {
    let line = std::str::from_utf8(line).map_err(|_| LineError::Utf8)?;
    serde_raw(line)?.normalise()
}

fn short_json_error(e: &serde_json::Error) -> String {
    let s = e.to_string();
    // serde_json appends " at line 1 column N"; the caller reports the file line.
    match s.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &s[..i], e.column()),
        None => s,
    }
}

impl Norm<'_> {
    pub fn into_event(self) -> Event {
        let o = |c: Option<Cow<'_, str>>| c.map(Cow::into_owned);
        Event {
            time: ms_to_time(self.time_ms),
            id: o(self.id),
            event_type: self.event_type.into_owned(),
            action: self.action.into_owned(),
            user: o(self.user),
            resource_type: o(self.resource_type),
            resource_id: o(self.resource_id),
            status: self.status,
            subsystem: o(self.subsystem),
            operation_id: o(self.operation_id),
            session_id: o(self.session_id),
            transaction_id: o(self.transaction_id),
            ip: o(self.ip),
            duration_ms: self.duration_ms,
            cid: o(self.cid),
            daemon: o(self.daemon),
            details: self
                .details
                .into_iter()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            schema: self.schema,
        }
    }
}

/// Milliseconds since the Unix epoch as a UTC time (clamped to chrono's range).
pub fn ms_to_time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

pub(crate) type S<'a> = Option<Cow<'a, str>>;

/// A line as its JSON says it, before normalising; filled by serde or by `scan`.
#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(crate) struct RawLine<'a> {
    #[serde(borrow, default)]
    pub(crate) event_id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) request_id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) operation_id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) session_id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) transaction_id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) subsystem: S<'a>,
    #[serde(default)]
    pub(crate) timestamp: Option<RawTime>,
    #[serde(default)]
    pub(crate) duration_ms: Option<f64>,
    #[serde(borrow, default)]
    pub(crate) event_type: S<'a>,
    #[serde(borrow, default)]
    pub(crate) action: S<'a>,
    #[serde(borrow, default)]
    pub(crate) resource: S<'a>,
    #[serde(borrow, default)]
    pub(crate) resource_type: S<'a>,
    #[serde(borrow, default)]
    pub(crate) resource_id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) user_id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) status: S<'a>,
    #[serde(borrow, default)]
    pub(crate) ip_address: S<'a>,
    #[serde(borrow, default)]
    pub(crate) details: Option<Details<'a>>,
    #[serde(borrow, default)]
    pub(crate) metadata: Option<Meta<'a>>,
    // alerts.jsonl
    #[serde(default)]
    pub(crate) at: Option<RawTime>,
    #[serde(borrow, default)]
    pub(crate) kind: S<'a>,
    #[serde(borrow, default)]
    pub(crate) alert: Option<RawAlert<'a>>,
}

#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(crate) struct Meta<'a> {
    #[serde(borrow, default)]
    pub(crate) operation_id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) session_id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) transaction_id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) subsystem: S<'a>,
}

#[derive(Deserialize, Default)]
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(crate) struct RawAlert<'a> {
    #[serde(borrow, default)]
    pub(crate) id: S<'a>,
    #[serde(borrow, default)]
    pub(crate) rule: S<'a>,
    #[serde(borrow, default)]
    pub(crate) metric: S<'a>,
    #[serde(borrow, default)]
    pub(crate) severity: S<'a>,
    #[serde(borrow, default)]
    pub(crate) message: S<'a>,
    #[serde(default)]
    pub(crate) value: Option<f64>,
}

fn lower_is(s: &S<'_>, words: &[&str]) -> bool {
    s.as_deref()
        .is_some_and(|v| words.iter().any(|w| v.eq_ignore_ascii_case(w)))
}

fn nonempty(s: S<'_>) -> S<'_> {
    s.filter(|v| !v.is_empty())
}

impl<'a> RawLine<'a> {
    pub(crate) fn normalise(self) -> Result<Norm<'a>, LineError> {
        if let Some(alert) = self.alert {
            return normalise_alert(self.at, self.kind, alert);
        }
        let numeric_time = matches!(self.timestamp, Some(RawTime::Epoch(_)));
        let time_ms = self.timestamp.map(|t| t.ms()).ok_or(LineError::NoTime)?;
        let action = nonempty(self.action).ok_or(LineError::NoAction)?;
        let python = self.metadata.is_some()
            || self.request_id.is_some()
            || self.ip_address.is_some()
            || self.resource_id.is_some()
            || numeric_time
            || self.operation_id.is_none();
        let schema = if python {
            Schema::Python
        } else {
            Schema::OpHistory
        };
        let mut details = self.details.map(|d| d.0).unwrap_or_default();
        let (mut m_op, mut m_sess, mut m_tx, mut m_sub) = (None, None, None, None);
        if let Some(m) = self.metadata {
            (m_op, m_sess, m_tx, m_sub) =
                (m.operation_id, m.session_id, m.transaction_id, m.subsystem);
        }
        let take = |d: &mut Vec<(Cow<'a, str>, Cow<'a, str>)>, key: &str| -> S<'a> {
            d.iter().position(|(k, _)| k == key).map(|i| d[i].1.clone())
        };
        let resource_id = nonempty(self.resource_id.or(self.resource));
        let resource_type = nonempty(self.resource_type);
        let cid = if lower_is(&resource_type, &["pin", "cid"]) {
            resource_id.clone()
        } else {
            take(&mut details, "cid")
        };
        let daemon = if lower_is(&resource_type, &["daemon"])
            || (lower_is(&resource_type, &["source"]) && !lower_is(&resource_id, &["host"]))
        {
            resource_id.clone()
        } else {
            take(&mut details, "daemon")
        };
        let subsystem = nonempty(self.subsystem.or(m_sub))
            .or_else(|| take(&mut details, "subsystem"))
            .or_else(|| daemon.clone())
            .or_else(|| prefix(&action));
        let duration_ms = self
            .duration_ms
            .or_else(|| take(&mut details, "duration_ms").and_then(|v| v.parse().ok()))
            .filter(|d| d.is_finite() && *d >= 0.0)
            .map(|d| d as u64);
        let status = self
            .status
            .as_deref()
            .map(Status::from_word)
            .unwrap_or(Status::Unknown);
        Ok(Norm {
            time_ms,
            id: nonempty(self.event_id).or(nonempty(self.request_id)),
            event_type: nonempty(self.event_type).unwrap_or(Cow::Borrowed("unknown")),
            action,
            user: nonempty(self.user_id),
            resource_type,
            resource_id,
            status,
            subsystem,
            operation_id: nonempty(self.operation_id.or(m_op)),
            session_id: nonempty(self.session_id.or(m_sess)),
            transaction_id: nonempty(self.transaction_id.or(m_tx)),
            ip: nonempty(self.ip_address),
            duration_ms,
            cid,
            daemon,
            details,
            schema,
        })
    }
}

/// "daemon" of "daemon.crash"; `None` when the action has no dot.
fn prefix<'a>(action: &Cow<'a, str>) -> S<'a> {
    let i = action.find('.')?;
    Some(match action {
        Cow::Borrowed(s) => Cow::Borrowed(&s[..i]),
        Cow::Owned(s) => Cow::Owned(s[..i].to_string()),
    })
}

/// An alert's life is one operation (`alert.id`), each change one event `alert.<kind>`.
fn normalise_alert<'a>(
    at: Option<RawTime>,
    kind: S<'a>,
    alert: RawAlert<'a>,
) -> Result<Norm<'a>, LineError> {
    let time_ms = at.map(|t| t.ms()).ok_or(LineError::NoTime)?;
    let kind = nonempty(kind).ok_or(LineError::NoAction)?;
    let critical = lower_is(&alert.severity, &["critical"]);
    let status = match kind.as_ref() {
        "fired" | "escalated" if critical => Status::Failed,
        "fired" | "escalated" => Status::Warning,
        _ => Status::Ok,
    };
    let id = alert
        .id
        .as_ref()
        .map(|a| Cow::Owned(format!("{a}:{kind}:{time_ms}")));
    let subsystem = alert.metric.as_ref().and_then(prefix);
    let mut details = Vec::new();
    for (k, v) in [
        ("metric", &alert.metric),
        ("severity", &alert.severity),
        ("message", &alert.message),
    ] {
        if let Some(v) = v {
            details.push((Cow::Borrowed(k), v.clone()));
        }
    }
    if let Some(v) = alert.value {
        details.push((Cow::Borrowed("value"), Cow::Owned(v.to_string())));
    }
    Ok(Norm {
        time_ms,
        id,
        event_type: Cow::Borrowed("alert"),
        action: Cow::Owned(format!("alert.{kind}")),
        user: None,
        resource_type: Some(Cow::Borrowed("alert")),
        resource_id: alert.rule,
        status,
        subsystem,
        operation_id: alert.id,
        session_id: None,
        transaction_id: None,
        ip: None,
        duration_ms: None,
        cid: None,
        daemon: None,
        details,
        schema: Schema::Alerts,
    })
}

/// A timestamp as either schema writes it.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(crate) enum RawTime {
    Epoch(i64),
    Text(i64),
}

impl RawTime {
    fn ms(self) -> i64 {
        match self {
            RawTime::Epoch(m) | RawTime::Text(m) => m,
        }
    }
}

/// Numbers are epoch seconds; above 1e11 they are taken as milliseconds (1e11 s is the year
/// 5138, 1e11 ms is 1973), so both conventions read.
pub(crate) fn epoch_ms(x: f64) -> Option<i64> {
    if !x.is_finite() {
        return None;
    }
    let ms = if x.abs() >= 1e11 { x } else { x * 1000.0 };
    (ms.abs() < 8.0e15).then(|| ms.round() as i64)
}

/// RFC 3339, or "YYYY-MM-DD HH:MM:SS[.fff]" taken as UTC (Python's `isoformat(" ")`).
pub fn parse_time_text(s: &str) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis());
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc().timestamp_millis());
        }
    }
    None
}

impl<'de> Deserialize<'de> for RawTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = RawTime;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("epoch seconds or an RFC 3339 time")
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<RawTime, E> {
                epoch_ms(x)
                    .map(RawTime::Epoch)
                    .ok_or_else(|| E::custom(format!("timestamp {x} is out of range")))
            }
            fn visit_i64<E: de::Error>(self, x: i64) -> Result<RawTime, E> {
                self.visit_f64(x as f64)
            }
            fn visit_u64<E: de::Error>(self, x: u64) -> Result<RawTime, E> {
                self.visit_f64(x as f64)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawTime, E> {
                parse_time_text(s)
                    .map(RawTime::Text)
                    .ok_or_else(|| E::custom(format!("timestamp {s:?} is not RFC 3339")))
            }
        }
        d.deserialize_any(V)
    }
}

/// `details` as (key, scalar text) pairs without building a `serde_json::Value`.
#[cfg_attr(test, derive(Debug, PartialEq))]
pub(crate) struct Details<'a>(pub Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Details<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Details<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_unit<E>(self) -> Result<Details<'a>, E> {
                Ok(Details(Vec::new()))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Details<'a>, M::Error> {
                let mut out = Vec::new();
                while let Some(k) = m.next_key::<Cow<'de, str>>()? {
                    let Scalar(v) = m.next_value()?;
                    if let Some(v) = v {
                        out.push((k, v));
                    }
                }
                Ok(Details(out))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

struct Scalar<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Scalar<'a>, E> {
                Ok(Scalar(Some(Cow::Borrowed(s))))
            }
            fn visit_str<E>(self, s: &str) -> Result<Scalar<'a>, E> {
                Ok(Scalar(Some(Cow::Owned(s.to_string()))))
            }
            fn visit_string<E>(self, s: String) -> Result<Scalar<'a>, E> {
                Ok(Scalar(Some(Cow::Owned(s))))
            }
            fn visit_bool<E>(self, b: bool) -> Result<Scalar<'a>, E> {
                Ok(Scalar(Some(Cow::Borrowed(if b {
                    "true"
                } else {
                    "false"
                }))))
            }
            fn visit_i64<E>(self, x: i64) -> Result<Scalar<'a>, E> {
                Ok(Scalar(Some(Cow::Owned(x.to_string()))))
            }
            fn visit_u64<E>(self, x: u64) -> Result<Scalar<'a>, E> {
                Ok(Scalar(Some(Cow::Owned(x.to_string()))))
            }
            fn visit_f64<E>(self, x: f64) -> Result<Scalar<'a>, E> {
                Ok(Scalar(Some(Cow::Owned(x.to_string()))))
            }
            fn visit_unit<E>(self) -> Result<Scalar<'a>, E> {
                Ok(Scalar(None))
            }
            fn visit_map<M: MapAccess<'de>>(self, mut m: M) -> Result<Scalar<'a>, M::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar(Some(Cow::Borrowed("…"))))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut s: A) -> Result<Scalar<'a>, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar(Some(Cow::Borrowed("…"))))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn op_history_line() {
        let e = parse_line(r#"{"event_id":"e1","operation_id":"o1","session_id":"s1","timestamp":"2026-01-02T03:04:05Z","duration_ms":12,"event_type":"system","action":"daemon.crash","resource":"kubo","resource_type":"daemon","user_id":"root","status":"failed","details":{"message":"exit 2"}}"#).unwrap();
        assert_eq!(e.schema, Schema::OpHistory);
        assert_eq!(e.status, Status::Failed);
        assert_eq!(e.daemon.as_deref(), Some("kubo"));
        assert_eq!(e.subsystem.as_deref(), Some("kubo"));
        assert_eq!(e.duration_ms, Some(12));
        assert_eq!(e.details["message"], "exit 2");
    }

    #[test]
    fn python_line_with_float_epoch_and_metadata() {
        let e = parse_line(r#"{"event_type":"authentication","action":"login","timestamp":1767323045.5,"user_id":"bob","ip_address":"10.0.0.1","status":"failure","request_id":"r9","metadata":{"operation_id":"op","subsystem":"auth"},"details":{"n":[1,2],"x":null}}"#).unwrap();
        assert_eq!(e.schema, Schema::Python);
        assert_eq!(e.id.as_deref(), Some("r9"));
        assert_eq!(e.status, Status::Failed);
        assert_eq!(e.time.timestamp_millis(), 1_767_323_045_500);
        assert_eq!(e.subsystem.as_deref(), Some("auth"));
        assert_eq!(e.operation_id.as_deref(), Some("op"));
        assert_eq!(e.details["n"], "…");
    }

    #[test]
    fn alert_line() {
        let e = parse_line(r#"{"at":"2026-01-02T03:04:05Z","kind":"fired","alert":{"id":"disk-1","rule":"disk","metric":"host.disk_used","severity":"critical","state":"firing","message":"m","value":0.97}}"#).unwrap();
        assert_eq!(e.schema, Schema::Alerts);
        assert_eq!(e.action, "alert.fired");
        assert_eq!(e.status, Status::Failed);
        assert_eq!(e.subsystem.as_deref(), Some("host"));
        assert_eq!(e.operation_id.as_deref(), Some("disk-1"));
    }

    #[test]
    fn bad_lines() {
        assert!(matches!(
            parse_line("{\"action\":\"x\""),
            Err(LineError::Json(_))
        ));
        assert_eq!(parse_line(r#"{"action":"x"}"#), Err(LineError::NoTime));
        assert_eq!(parse_line(r#"{"timestamp":5}"#), Err(LineError::NoAction));
        assert!(parse_line(r#"{"timestamp":"yesterday","action":"x"}"#).is_err());
    }
}
