//! One Audit view from a loaded Index and a query: the range and filter decide the events
//! the heat maps, patterns, anomalies and compliance look at; the selected operation is
//! looked up in the whole history (a filter must not hide what was selected elsewhere).

use chrono::{DateTime, Utc};
use ipfs_kit_audit::compliance::{self, Outcome, Policy};
use ipfs_kit_audit::filter::Filter;
use ipfs_kit_audit::time::Local;
use ipfs_kit_audit::{Index, anomalies, correlate, patterns, report};

use super::view::{
    AnomalyRow, AuditQuery, AuditView, ComplianceView, EventRow, PatternRow, RuleRow, SelectedOp,
    SelectedView,
};

/// Rows kept per list (the tab shows what fits; totals are counted in full).
const MAX_ROWS: usize = 50;
/// Dates the hour × date heat map keeps.
pub const DATES: usize = 14;
/// Correlation window around the selected event, and how far causes are followed.
const CORRELATE_WINDOW_MS: i64 = 10 * 60_000;
const CORRELATE_THRESHOLD: f64 = 0.3;
const CAUSE_DEPTH: usize = 10;

/// The policy the compliance gauge scores against, or why there is none.
pub type PolicyChoice = Result<Policy, String>;

/// Computes the view. `now` bounds the range; `local` is the zone for hours and days.
pub fn compute(
    ix: &Index,
    q: &AuditQuery,
    now: DateTime<Utc>,
    local: Local,
    off_hours: (u8, u8),
    policy: &PolicyChoice,
) -> AuditView {
    let now_ms = now.timestamp_millis();
    let range = ix.range(q.range.millis().map(|b| now_ms - b), None);
    let mut v = AuditView {
        query: q.clone(),
        computed_at: Some(now),
        loaded: ix.len(),
        ..AuditView::default()
    };
    let filter = match Filter::parse(&q.filter) {
        Ok(f) => f,
        Err(e) => {
            v.filter_error = Some(e.to_string());
            Filter::default()
        }
    };
    // A filter makes a smaller Index of the events it keeps, so every analysis below sees
    // exactly those (they take a contiguous range of one Index).
    let sub;
    let (scope, scope_range) = if filter.is_empty() {
        (ix, range)
    } else {
        let keep = filter.select(ix, range);
        sub = Index::from_events(keep.iter().map(|&i| ix.event(i)).collect::<Vec<_>>().iter());
        let n = sub.len();
        (&sub, 0..n)
    };
    v.in_scope = scope_range.len();
    v.failures = scope.recs[scope_range.clone()]
        .iter()
        .filter(|r| r.failed())
        .count();

    let heat = report::heatmap(scope, scope_range.clone(), local);
    v.week = heat.week;
    let skip = heat.dates.len().saturating_sub(DATES);
    v.dates = heat.dates.into_iter().skip(skip).collect();

    let pcfg = patterns::PatternConfig {
        local,
        off_start: u32::from(off_hours.0),
        off_end: u32::from(off_hours.1),
        ..Default::default()
    };
    let mut found = patterns::detect(scope, scope_range.clone(), &pcfg);
    found.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(b.occurrences.cmp(&a.occurrences))
    });
    v.patterns_total = found.len();
    v.patterns = found
        .into_iter()
        .take(MAX_ROWS)
        .map(|p| PatternRow {
            id: p.id.to_string(),
            key: p.key,
            description: p.description,
            occurrences: p.occurrences,
            confidence: p.confidence,
        })
        .collect();

    let acfg = anomalies::AnomalyConfig {
        local,
        ..Default::default()
    };
    let mut an = anomalies::detect(scope, scope_range.clone(), &acfg);
    an.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(b.bucket_start.cmp(&a.bucket_start))
    });
    v.anomalies_total = an.len();
    v.anomalies = an
        .into_iter()
        .take(MAX_ROWS)
        .map(|a| AnomalyRow {
            severity: a.severity.as_str().to_string(),
            kind: format!("{:?}", a.kind),
            bucket: match &a.subject {
                Some(s) => format!("{} {s}", a.bucket),
                None => a.bucket.clone(),
            },
            expected: format!("{}-{}", num(a.expected_low), num(a.expected_high)),
            observed: num(a.observed),
            description: a.description,
        })
        .collect();

    match policy {
        Ok(p) => {
            let c = compliance::evaluate(scope, scope_range, p, local, now_ms, MAX_ROWS);
            let mut failing: Vec<RuleRow> = c
                .rules
                .iter()
                .filter(|r| r.outcome == Outcome::Fail)
                .map(|r| RuleRow {
                    id: r.id.clone(),
                    severity: r.severity.as_str().to_string(),
                    violations: r.violations,
                    description: r.description.clone(),
                })
                .collect();
            failing.sort_by_key(|r| std::cmp::Reverse(rank(&r.severity)));
            v.compliance = Some(ComplianceView {
                policy: c.policy,
                score: c.score,
                band: c.band.to_string(),
                passed: c.rules_passed,
                failed: c.rules_failed,
                not_applicable: c.rules_not_applicable,
                failing,
            });
        }
        Err(e) => v.policy_error = Some(e.clone()),
    }

    v.selected = q.selected.as_ref().map(|op| selected(ix, op));
    v
}

fn rank(severity: &str) -> u8 {
    match severity {
        "critical" => 3,
        "high" => 2,
        "medium" => 1,
        _ => 0,
    }
}

fn num(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// The selected operation's correlated events, timeline and causes. Its newest line is the
/// one the Operations tab shows (a long operation writes `running`, then its outcome).
fn selected(ix: &Index, op: &SelectedOp) -> SelectedView {
    let mut out = SelectedView {
        op: op.clone(),
        found: false,
        correlated: Vec::new(),
        timeline_summary: None,
        timeline: Vec::new(),
        cause_confidence: 0.0,
        cause_explanation: String::new(),
        causes: Vec::new(),
    };
    let by_op =
        ix.f.operations
            .get(&op.operation_id)
            .and_then(|o| ix.by_operation.get(o).last().map(|&i| i as usize));
    let Some(i) = ix.find_id(&op.event_id).or(by_op) else {
        return out;
    };
    out.found = true;
    let status = |i: usize| ix.recs[i].status.as_str().to_string();
    out.correlated = correlate::correlate(ix, i, CORRELATE_WINDOW_MS, CORRELATE_THRESHOLD, 20)
        .into_iter()
        .map(|r| {
            let st = ix.lookup(&r.event_id).map(status).unwrap_or_default();
            EventRow {
                time: r.time,
                label: r.label,
                status: st,
                why: format!("{:.2} {}", r.score, r.reasons.join(", ")),
            }
        })
        .collect();
    if let Some(t) = correlate::timeline(ix, &op.operation_id) {
        out.timeline_summary = Some(format!(
            "{}, {}",
            t.summary,
            ipfs_kit_widgets::format::millis(t.duration_ms.max(0) as f64)
        ));
        out.timeline = t
            .events
            .into_iter()
            .map(|e| EventRow {
                time: e.time,
                label: e.label,
                status: e.status.as_str().to_string(),
                why: e.subsystem.unwrap_or_default(),
            })
            .collect();
    }
    let c = correlate::causation(ix, i, CAUSE_DEPTH);
    out.cause_confidence = c.confidence;
    out.cause_explanation = c.explanation;
    out.causes = c
        .chain
        .into_iter()
        .map(|l| {
            let st = ix.lookup(&l.event_id).map(status).unwrap_or_default();
            EventRow {
                time: l.time,
                label: l.label,
                status: st,
                why: format!("{:.2} {}", l.score, l.reasons.join(", ")),
            }
        })
        .collect();
    out
}
