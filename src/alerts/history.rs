//! The alert history on disk: one JSON line per fired, escalated, de-escalated, resolved or
//! acknowledged alert, in `alerts.jsonl` (rotated like the operation history). Loaded on start
//! for the dashboard, and so that alerts still firing when ipfs-kit stopped carry on with
//! their id and acknowledgement (`AlertEngine::restore`).

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

use super::model::{Alert, AlertEvent, AlertEventKind};
use crate::model::StateWrites;
use crate::ophistory::HistoryError;
use crate::ophistory::ReadWarning;
use crate::ophistory::durable::{BACKLOG_CAP, DurableLog, Outcome};
use crate::ophistory::jsonl;

const STEM: &str = "alerts";
const MAX_FILE_BYTES: u64 = 1024 * 1024;
const KEEP_FILES: usize = 3;

pub struct AlertHistory {
    log: DurableLog,
    recent: VecDeque<AlertEvent>,
    capacity: usize,
    unresolved: Vec<Alert>,
}

impl AlertHistory {
    /// Opens `alerts.jsonl` under `dir`, keeping the newest `capacity` events in memory.
    pub fn open(
        dir: &Path,
        capacity: usize,
    ) -> Result<(AlertHistory, Vec<ReadWarning>), HistoryError> {
        let mut events = Vec::new();
        let mut warnings = Vec::new();
        // Oldest file first so events end up in the order they happened.
        for path in jsonl::files_newest_first(dir, STEM).iter().rev() {
            let (mut ev, w) = jsonl::read_file::<AlertEvent>(path)?;
            events.append(&mut ev);
            warnings.extend(w);
        }
        // Opened after reading: opening ends a torn last line, hiding what it was. A state dir
        // that cannot be written does not stop the alerts: events wait in memory.
        let log = DurableLog::open(dir, STEM, MAX_FILE_BYTES, KEEP_FILES, BACKLOG_CAP);
        let mut last: BTreeMap<&str, &AlertEvent> = BTreeMap::new();
        for e in &events {
            last.insert(&e.alert.id, e);
        }
        let unresolved = last
            .values()
            .filter(|e| e.kind != AlertEventKind::Resolved && e.alert.is_firing())
            .map(|e| e.alert.clone())
            .collect();
        let capacity = capacity.max(1);
        let skip = events.len().saturating_sub(capacity);
        Ok((
            AlertHistory {
                log,
                recent: events.into_iter().skip(skip).collect(),
                capacity,
                unresolved,
            },
            warnings,
        ))
    }

    /// Appends events in order. Events the disk refuses wait in memory and are written, in
    /// order, by a later append or `flush`; the result says whether anything is waiting.
    pub fn append(&mut self, events: &[AlertEvent]) -> Result<Outcome, HistoryError> {
        let mut outcome = Outcome::Written;
        for e in events {
            outcome = self.log.append(e)?;
            self.recent.push_back(e.clone());
            if self.recent.len() > self.capacity {
                self.recent.pop_front();
            }
        }
        Ok(outcome)
    }

    /// Writes the events that wait for the disk.
    pub fn flush(&mut self) -> Outcome {
        self.log.flush()
    }

    /// How writes to `alerts.jsonl` fare.
    pub fn write_status(&self) -> &StateWrites {
        self.log.status()
    }

    /// Newest first.
    pub fn recent(&self) -> impl Iterator<Item = &AlertEvent> {
        self.recent.iter().rev()
    }

    /// Alerts that were firing when the file was last written, for `AlertEngine::restore`.
    pub fn take_unresolved(&mut self) -> Vec<Alert> {
        std::mem::take(&mut self.unresolved)
    }
}
