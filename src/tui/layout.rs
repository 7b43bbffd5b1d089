//! Where everything goes: the screen's bands, and each tab's panels in rows. The same plan
//! drives drawing, focus movement and the mouse, so they always agree.

use ratatui::layout::{Constraint, Layout, Rect};

use super::model::{
    BarsKind, CounterKind as Ct, ListKind, MetricKind as Mt, Model, Panel, SparkKind as Sk, Src,
    Tab,
};
use super::notices;

/// The smallest screen the dashboard draws on.
pub const MIN_SIZE: (u16, u16) = (60, 16);

/// The screen's bands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Screen {
    pub header: Rect,
    pub tabs: Rect,
    pub body: Rect,
    pub footer: Rect,
}

/// Whether `area` is too small to draw the dashboard on.
pub fn too_small(area: Rect) -> bool {
    area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1
}

pub fn screen(area: Rect) -> Screen {
    let [header, tabs, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    Screen {
        header,
        tabs,
        body,
        footer,
    }
}

/// One tab laid out: plain-words notices on top, then rows of panels.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub notices: Option<Rect>,
    pub rows: Vec<Vec<(Panel, Rect)>>,
}

impl Plan {
    pub fn panels(&self) -> impl Iterator<Item = &(Panel, Rect)> {
        self.rows.iter().flatten()
    }

    fn position(&self, p: Panel) -> Option<(usize, usize)> {
        self.rows
            .iter()
            .enumerate()
            .find_map(|(r, row)| row.iter().position(|(q, _)| *q == p).map(|c| (r, c)))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tier {
    Compact,
    Normal,
    Large,
}

fn tier(body: Rect) -> Tier {
    if body.height >= 45 && body.width >= 160 {
        Tier::Large
    } else if body.height >= 28 && body.width >= 100 {
        Tier::Normal
    } else {
        Tier::Compact
    }
}

type Row = (Constraint, &'static [(Panel, u16)]);

const fn len(n: u16) -> Constraint {
    Constraint::Length(n)
}
const fn fill(n: u16) -> Constraint {
    Constraint::Fill(n)
}

use Panel::{Bandwidth, Bars, Counter, Health, Heatmap, List, Metric, Spark, Status};

const OVERVIEW_COMPACT: &[Row] = &[
    (
        len(6),
        &[
            (Status(Src::Kubo), 1),
            (Health, 1),
            (List(ListKind::Alerts), 1),
        ],
    ),
    (
        len(3),
        &[
            (Counter(Ct::KuboPins), 1),
            (Metric(Mt::Repo), 1),
            (Metric(Mt::Cpu), 1),
            (Metric(Mt::Memory), 1),
        ],
    ),
    (
        len(4),
        &[
            (Spark(Sk::BwIn), 1),
            (Spark(Sk::BwOut), 1),
            (Spark(Sk::Cpu), 1),
            (Spark(Sk::KuboPeers), 1),
        ],
    ),
    (
        fill(1),
        &[(Bars(BarsKind::PinStatus), 1), (Bandwidth, 2), (Heatmap, 1)],
    ),
    (len(3), &[(List(ListKind::History), 1)]),
];

/// The compact overview when notices leave fewer than 20 rows: every widget type still
/// shows, with smaller status and sparkline rows.
const OVERVIEW_TIGHT: &[Row] = &[
    (
        len(4),
        &[
            (Status(Src::Kubo), 1),
            (Health, 1),
            (List(ListKind::Alerts), 1),
        ],
    ),
    OVERVIEW_COMPACT[1],
    (len(3), OVERVIEW_COMPACT[2].1),
    (Constraint::Min(3), OVERVIEW_COMPACT[3].1),
    OVERVIEW_COMPACT[4],
];

const OVERVIEW_NORMAL: &[Row] = &[
    (
        len(8),
        &[
            (Status(Src::Kubo), 2),
            (Health, 2),
            (List(ListKind::Alerts), 3),
        ],
    ),
    (
        len(4),
        &[
            (Counter(Ct::KuboPins), 1),
            (Counter(Ct::KuboPeers), 1),
            (Metric(Mt::Repo), 1),
            (Metric(Mt::Cpu), 1),
            (Metric(Mt::Memory), 1),
            (Metric(Mt::Disk), 1),
        ],
    ),
    (
        len(5),
        &[
            (Spark(Sk::BwIn), 1),
            (Spark(Sk::BwOut), 1),
            (Spark(Sk::Cpu), 1),
            (Spark(Sk::KuboPeers), 1),
        ],
    ),
    (
        len(7),
        &[
            (Bars(BarsKind::PinStatus), 1),
            (Bars(BarsKind::FreeSpace), 1),
            (Bars(BarsKind::Cores), 1),
        ],
    ),
    (fill(2), &[(Bandwidth, 1), (Heatmap, 1)]),
    (fill(1), &[(List(ListKind::History), 1)]),
];

const OVERVIEW_LARGE: &[Row] = &[
    (
        len(10),
        &[
            (Status(Src::Kubo), 2),
            (Health, 2),
            (List(ListKind::Alerts), 3),
        ],
    ),
    (
        len(5),
        &[
            (Counter(Ct::KuboPins), 1),
            (Counter(Ct::KuboPeers), 1),
            (Counter(Ct::ClusterPins), 1),
            (Metric(Mt::Repo), 1),
            (Metric(Mt::Cpu), 1),
            (Metric(Mt::Memory), 1),
            (Metric(Mt::Disk), 1),
        ],
    ),
    (
        len(7),
        &[
            (Spark(Sk::BwIn), 1),
            (Spark(Sk::BwOut), 1),
            (Spark(Sk::Cpu), 1),
            (Spark(Sk::KuboPeers), 1),
        ],
    ),
    (
        len(9),
        &[
            (Bars(BarsKind::PinStatus), 1),
            (Bars(BarsKind::FreeSpace), 1),
            (Bars(BarsKind::Cores), 1),
        ],
    ),
    (fill(3), &[(Bandwidth, 1), (Heatmap, 1)]),
    (fill(2), &[(List(ListKind::History), 1)]),
];

const NODE_COMPACT: &[Row] = &[
    (
        len(7),
        &[(Status(Src::Kubo), 3), (List(ListKind::Addresses), 2)],
    ),
    (
        len(3),
        &[
            (Counter(Ct::KuboPins), 1),
            (Counter(Ct::KuboPeers), 1),
            (Metric(Mt::Repo), 1),
        ],
    ),
    (
        len(4),
        &[
            (Spark(Sk::BwIn), 1),
            (Spark(Sk::BwOut), 1),
            (Spark(Sk::KuboPeers), 1),
        ],
    ),
    (fill(1), &[(Bandwidth, 1)]),
];

const NODE_NORMAL: &[Row] = &[
    (
        len(13),
        &[(Status(Src::Kubo), 3), (List(ListKind::Addresses), 2)],
    ),
    (
        len(4),
        &[
            (Counter(Ct::KuboPins), 1),
            (Counter(Ct::KuboPeers), 1),
            (Counter(Ct::BitswapBlocks), 1),
            (Counter(Ct::Provided), 1),
            (Metric(Mt::Repo), 1),
        ],
    ),
    (
        len(5),
        &[
            (Spark(Sk::BwIn), 1),
            (Spark(Sk::BwOut), 1),
            (Spark(Sk::KuboPeers), 1),
            (Spark(Sk::RepoSize), 1),
        ],
    ),
    (fill(1), &[(Bandwidth, 1)]),
];

const CLUSTER_COMPACT: &[Row] = &[
    (
        len(7),
        &[
            (Status(Src::Cluster), 1),
            (List(ListKind::ClusterAlerts), 1),
        ],
    ),
    (
        len(3),
        &[
            (Counter(Ct::ClusterPins), 1),
            (Counter(Ct::ClusterPeers), 1),
        ],
    ),
    (
        fill(1),
        &[
            (Bars(BarsKind::PinStatus), 1),
            (Bars(BarsKind::FreeSpace), 1),
        ],
    ),
    (fill(1), &[(List(ListKind::ClusterPeers), 1)]),
];

const CLUSTER_NORMAL: &[Row] = &[
    (
        len(9),
        &[
            (Status(Src::Cluster), 2),
            (List(ListKind::ClusterAlerts), 3),
        ],
    ),
    (
        len(4),
        &[
            (Counter(Ct::ClusterPins), 1),
            (Counter(Ct::ClusterPeers), 1),
            (Spark(Sk::ClusterPins), 1),
            (Spark(Sk::ClusterPeers), 1),
        ],
    ),
    (
        fill(1),
        &[
            (Bars(BarsKind::PinStatus), 1),
            (Bars(BarsKind::FreeSpace), 1),
        ],
    ),
    (fill(1), &[(List(ListKind::ClusterPeers), 1)]),
];

const HOST_COMPACT: &[Row] = &[
    (
        len(7),
        &[(Status(Src::Host), 1), (List(ListKind::Processes), 2)],
    ),
    (
        len(3),
        &[
            (Metric(Mt::Cpu), 1),
            (Metric(Mt::Memory), 1),
            (Metric(Mt::Swap), 1),
            (Metric(Mt::Disk), 1),
        ],
    ),
    (
        len(4),
        &[
            (Spark(Sk::Cpu), 1),
            (Spark(Sk::Memory), 1),
            (Spark(Sk::NetRx), 1),
            (Spark(Sk::NetTx), 1),
        ],
    ),
    (
        fill(1),
        &[(Bars(BarsKind::Cores), 1), (List(ListKind::Disks), 2)],
    ),
];

const HOST_NORMAL: &[Row] = &[
    (
        len(9),
        &[(Status(Src::Host), 1), (List(ListKind::Processes), 2)],
    ),
    (
        len(4),
        &[
            (Metric(Mt::Cpu), 1),
            (Metric(Mt::Memory), 1),
            (Metric(Mt::Swap), 1),
            (Metric(Mt::Disk), 1),
        ],
    ),
    (
        len(5),
        &[
            (Spark(Sk::Cpu), 1),
            (Spark(Sk::Memory), 1),
            (Spark(Sk::NetRx), 1),
            (Spark(Sk::NetTx), 1),
        ],
    ),
    (
        fill(1),
        &[(Bars(BarsKind::Cores), 1), (List(ListKind::Disks), 2)],
    ),
];

const OPERATIONS: &[Row] = &[(fill(1), &[(List(ListKind::History), 1)])];

const DAEMONS: &[Row] = &[
    (len(6), &[(List(ListKind::Daemons), 1)]),
    (fill(1), &[(List(ListKind::DaemonLog), 1)]),
];

const ALERTS_COMPACT: &[Row] = &[
    (fill(1), &[(List(ListKind::ActiveAlerts), 1)]),
    (fill(1), &[(List(ListKind::AlertLog), 1)]),
];

const ALERTS_NORMAL: &[Row] = &[
    (fill(1), &[(Health, 1), (List(ListKind::ActiveAlerts), 3)]),
    (fill(1), &[(List(ListKind::AlertLog), 1)]),
];

const PINS: &[Row] = &[
    (
        len(6),
        &[
            (Counter(Ct::KuboPins), 1),
            (Counter(Ct::ClusterPins), 1),
            (Bars(BarsKind::PinStatus), 2),
        ],
    ),
    (fill(1), &[(List(ListKind::Pins), 1)]),
];

const FLEET: &[Row] = &[(fill(1), &[(List(ListKind::Fleet), 1)])];

use super::model::AuditPart as Au;
use super::model::PerfPart as Pf;

const PERFORMANCE: &[Row] = &[
    (
        len(8),
        &[
            (Panel::Perf(Pf::Latency), 2),
            (Panel::Perf(Pf::Cache), 2),
            (Panel::Perf(Pf::Bulk), 1),
        ],
    ),
    (fill(2), &[(List(ListKind::PerfOps), 1)]),
    (fill(1), &[(List(ListKind::Bottlenecks), 1)]),
];

const AUDIT_COMPACT: &[Row] = &[
    (
        len(10),
        &[
            (Panel::Audit(Au::Week), 3),
            (Panel::Audit(Au::Compliance), 2),
        ],
    ),
    (
        fill(1),
        &[
            (Panel::Audit(Au::Patterns), 1),
            (Panel::Audit(Au::Anomalies), 1),
        ],
    ),
    (
        fill(1),
        &[
            (Panel::Audit(Au::Dates), 1),
            (Panel::Audit(Au::Operation), 1),
        ],
    ),
];

const AUDIT_NORMAL: &[Row] = &[
    (
        len(10),
        &[
            (Panel::Audit(Au::Week), 3),
            (Panel::Audit(Au::Compliance), 2),
        ],
    ),
    (
        fill(1),
        &[
            (Panel::Audit(Au::Patterns), 1),
            (Panel::Audit(Au::Anomalies), 1),
        ],
    ),
    (
        fill(2),
        &[
            (Panel::Audit(Au::Dates), 2),
            (Panel::Audit(Au::Operation), 3),
        ],
    ),
];

fn rows_for(tab: Tab, tier: Tier) -> &'static [Row] {
    match (tab, tier) {
        (Tab::Overview, Tier::Compact) => OVERVIEW_COMPACT,
        (Tab::Overview, Tier::Normal) => OVERVIEW_NORMAL,
        (Tab::Overview, Tier::Large) => OVERVIEW_LARGE,
        (Tab::Node, Tier::Compact) => NODE_COMPACT,
        (Tab::Node, _) => NODE_NORMAL,
        (Tab::Cluster, Tier::Compact) => CLUSTER_COMPACT,
        (Tab::Cluster, _) => CLUSTER_NORMAL,
        (Tab::Host, Tier::Compact) => HOST_COMPACT,
        (Tab::Host, _) => HOST_NORMAL,
        (Tab::Operations, _) => OPERATIONS,
        (Tab::Daemons, _) => DAEMONS,
        (Tab::Alerts, Tier::Compact) => ALERTS_COMPACT,
        (Tab::Alerts, _) => ALERTS_NORMAL,
        (Tab::Pins, _) => PINS,
        (Tab::Performance, _) => PERFORMANCE,
        (Tab::Audit, Tier::Compact) => AUDIT_COMPACT,
        (Tab::Audit, _) => AUDIT_NORMAL,
        (Tab::Fleet, _) => FLEET,
    }
}

/// The full-screen area of the model's terminal.
pub fn area(m: &Model) -> Rect {
    Rect::new(0, 0, m.size.0, m.size.1)
}

/// The layout of the current tab for the model's terminal size, expansion ignored.
pub fn grid(m: &Model) -> Plan {
    let body = screen(area(m)).body;
    let mut body_left = body;
    let lines = notices::lines(m, m.tab, body.width);
    let notices = if lines == 0 {
        None
    } else {
        // Never more than a third of the body.
        let h = u16::try_from(lines)
            .unwrap_or(u16::MAX)
            .min(body.height / 3)
            .max(1);
        body_left.y += h;
        body_left.height = body_left.height.saturating_sub(h);
        Some(Rect { height: h, ..body })
    };
    let spec = match (m.tab, tier(body_left)) {
        (Tab::Overview, Tier::Compact) if body_left.height < 20 => OVERVIEW_TIGHT,
        (tab, tier) => rows_for(tab, tier),
    };
    let row_areas = Layout::vertical(spec.iter().map(|(c, _)| *c)).split(body_left);
    let rows = spec
        .iter()
        .zip(row_areas.iter())
        .map(|((_, cells), area)| {
            let cols =
                Layout::horizontal(cells.iter().map(|(_, w)| Constraint::Fill(*w))).split(*area);
            cells
                .iter()
                .zip(cols.iter())
                .map(|((p, _), r)| (*p, *r))
                .collect()
        })
        .collect();
    Plan { notices, rows }
}

/// What is drawn: the grid, or the focused panel over the whole body when expanded.
pub fn plan(m: &Model) -> Plan {
    let grid = grid(m);
    if !m.expanded {
        return grid;
    }
    let body = screen(area(m)).body;
    let p = focused_in(m, &grid);
    Plan {
        notices: None,
        rows: vec![vec![(p, body)]],
    }
}

fn focused_in(m: &Model, grid: &Plan) -> Panel {
    m.focus[m.tab.index()]
        .filter(|p| grid.position(*p).is_some())
        .or_else(|| grid.panels().next().map(|(p, _)| *p))
        .unwrap_or(Panel::Health)
}

/// The focused panel of the current tab.
pub fn focused(m: &Model) -> Panel {
    focused_in(m, &grid(m))
}

/// Which way focus moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    Left,
    Right,
    Up,
    Down,
}

/// The panel focus moves to from the focused one; none at an edge.
pub fn neighbour(m: &Model, dir: Dir) -> Option<Panel> {
    let grid = grid(m);
    let (r, c) = grid.position(focused_in(m, &grid))?;
    let (nr, nc) = match dir {
        Dir::Left => (r, c.checked_sub(1)?),
        Dir::Right => (r, c + 1),
        Dir::Up => (r.checked_sub(1)?, usize::MAX),
        Dir::Down => (r + 1, usize::MAX),
    };
    let row = grid.rows.get(nr)?;
    if nc != usize::MAX {
        return row.get(nc).map(|(p, _)| *p);
    }
    // Vertically: the panel of that row whose middle is nearest to the focused one's.
    let from = grid.rows[r][c].1;
    let mid = i32::from(from.x) + i32::from(from.width) / 2;
    row.iter()
        .min_by_key(|(_, a)| (i32::from(a.x) + i32::from(a.width) / 2 - mid).abs())
        .map(|(p, _)| *p)
}

/// The panel drawn at a screen position.
pub fn panel_at(m: &Model, x: u16, y: u16) -> Option<Panel> {
    let pos = ratatui::layout::Position::new(x, y);
    plan(m)
        .panels()
        .find(|(_, r)| r.contains(pos))
        .map(|(p, _)| *p)
}

/// The tab labels on the tab bar: ` 1 Overview ` and where each starts and ends. Full
/// titles when they fit, else short ones, else numbers only (the current tab keeps its title).
pub fn tab_spans(tabs: Rect, shown: &[Tab], current: Tab) -> Vec<(Tab, String, u16, u16)> {
    let labels = |style: u8| -> Vec<String> {
        shown
            .iter()
            .map(|t| match style {
                0 => format!(" {} {} ", t.key(), t.title()),
                1 => format!(" {} {} ", t.key(), t.short_title()),
                _ if *t == current => format!(" {} {} ", t.key(), t.short_title()),
                _ => format!(" {} ", t.key()),
            })
            .collect()
    };
    let width = |ls: &[String]| ls.iter().map(|l| l.len() + 1).sum::<usize>();
    let room = usize::from(tabs.width);
    let chosen = (0..3)
        .map(labels)
        .find(|ls| width(ls) <= room)
        .unwrap_or_else(|| labels(2));
    let mut x = tabs.x;
    shown
        .iter()
        .zip(chosen)
        .map(|(t, label)| {
            let w = u16::try_from(label.len()).unwrap_or(0);
            let span = (*t, label, x, x.saturating_add(w));
            x = x.saturating_add(w + 1);
            span
        })
        .collect()
}

/// The tab whose label is at a screen position.
pub fn tab_at(m: &Model, x: u16, y: u16) -> Option<Tab> {
    let tabs = screen(area(m)).tabs;
    if y != tabs.y {
        return None;
    }
    tab_spans(tabs, &m.tabs(), m.tab)
        .into_iter()
        .find(|(_, _, a, b)| (*a..*b).contains(&x))
        .map(|(t, ..)| t)
}
