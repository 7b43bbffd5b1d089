//! Helpers shared by the wizard tests.

use std::cell::RefCell;

pub use ipfs_kit_wizards::prompt::{PromptKind, Shown};
pub use ipfs_kit_wizards::*;

/// A stand-in for the binary's probe: returns a fixed result and remembers what it was
/// asked to test. It reports nothing about IPFS, only that it was called.
pub struct FixedProbe {
    pub result: Result<ProbeReport, String>,
    pub seen: RefCell<Vec<BackendConfig>>,
}

impl FixedProbe {
    pub fn ok() -> Self {
        FixedProbe {
            result: Ok(ProbeReport::new("fixed test report").fact("probe", "test double")),
            seen: RefCell::new(Vec::new()),
        }
    }

    pub fn failing(reason: &str) -> Self {
        FixedProbe {
            result: Err(reason.to_string()),
            seen: RefCell::new(Vec::new()),
        }
    }
}

impl Probe for FixedProbe {
    fn test(&self, backend: &BackendConfig) -> Result<ProbeReport, String> {
        self.seen.borrow_mut().push(backend.clone());
        self.result.clone()
    }
}

pub fn text(s: &str) -> Scripted {
    Scripted::text(s)
}

pub fn choose(s: &str) -> Scripted {
    Scripted::choose(s)
}

pub const KEEP: Scripted = Scripted::Keep;
pub const BACK: Scripted = Scripted::Back;
pub const CANCEL: Scripted = Scripted::Cancel;

/// A config.toml with two backends, as the VFS wizard expects to find.
pub const EXISTING: &str = r#"# hand-written
[backends.local]
kind = "kubo"
api = "/ip4/127.0.0.1/tcp/5001"

[backends.archive]
kind = "filesystem"
path = "/srv/archive"
"#;

/// Runs a wizard to its end and checks the script was used up.
pub fn run(
    kind: WizardKind,
    script: Vec<Scripted>,
    prefill: Answers,
    existing: &str,
    probe: Option<&dyn Probe>,
) -> (Outcome, ScriptedPrompter) {
    let mut p = ScriptedPrompter::new(script);
    let ctx = Context {
        existing_config: existing,
        probe,
    };
    let outcome = match run_interactive(kind, &mut p, &ctx, prefill) {
        Ok(o) => o,
        Err(e) => panic!("wizard failed: {e}\ntranscript: {:#?}", p.transcript()),
    };
    assert_eq!(
        p.remaining(),
        0,
        "unused replies; transcript: {:#?}",
        p.transcript()
    );
    (outcome, p)
}

pub fn applied(outcome: Outcome) -> Section {
    match outcome {
        Outcome::Apply(section) => section,
        Outcome::Cancelled => panic!("the wizard was cancelled"),
    }
}

/// The default a prompt showed (its pre-filled text or the option under the cursor),
/// for the `n`th prompt with this message.
pub fn shown_default<'a>(p: &'a ScriptedPrompter, message: &str, n: usize) -> Option<&'a str> {
    p.transcript()
        .iter()
        .filter_map(|s| match s {
            Shown::Prompt {
                message: m,
                default,
                ..
            } if m == message => Some(default.as_deref()),
            _ => None,
        })
        .nth(n)
        .flatten()
}

pub fn sets(pairs: &[&str]) -> Answers {
    Answers::from_sets(pairs).expect("valid --set pairs")
}

/// `n` times Enter.
pub fn keeps(n: usize) -> Vec<Scripted> {
    vec![KEEP; n]
}

/// Concatenates script parts.
pub fn script(parts: &[&[Scripted]]) -> Vec<Scripted> {
    parts.concat()
}

/// The options of the `n`th prompt with this message.
pub fn options_of(p: &ScriptedPrompter, message: &str, n: usize) -> Vec<String> {
    p.transcript()
        .iter()
        .filter_map(|s| match s {
            Shown::Prompt {
                message: m,
                options,
                ..
            } if m == message => Some(options.clone()),
            _ => None,
        })
        .nth(n)
        .unwrap_or_default()
}
