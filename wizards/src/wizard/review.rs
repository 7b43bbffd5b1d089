//! The review: what will be saved and what changes, a live connection test for
//! backends, then Apply / Edit step N / Cancel.

use super::{Context, Def, Section, WizardError};
use crate::answers::Answers;
use crate::prompt::{Answer, Prompter};
use crate::save;

// Made once per review; boxing the section would only add noise.
#[allow(clippy::large_enum_variant)]
pub(crate) enum ReviewChoice {
    Apply(Section),
    Edit(usize),
    Back,
    Cancel,
}

enum Action {
    Apply,
    TestAgain,
    Edit(usize),
    Cancel,
}

pub(crate) fn run(
    def: &dyn Def,
    p: &mut dyn Prompter,
    ctx: &Context<'_>,
    answers: &Answers,
    total: usize,
) -> Result<ReviewChoice, WizardError> {
    let title = if def.review_is_own_step() {
        format!("Step {total}/{total}: {}", def.review_title())
    } else {
        def.review_title().to_string()
    };
    p.show(&title)?;
    let section = match def.build(answers) {
        Ok(section) => Some(section),
        Err(errs) => {
            let lines: Vec<String> = errs.iter().map(|e| format!("  - {e}")).collect();
            p.show(&format!(
                "These answers need fixing before anything can be saved:\n{}",
                lines.join("\n")
            ))?;
            None
        }
    };
    if let Some(section) = &section {
        let plan = save::plan(ctx.existing_config, section)?;
        p.show(&format!("To be saved:\n{}", plan.summary()))?;
        if !ctx.existing_config.trim().is_empty() {
            p.show(&format!("Changes to config.toml:\n{}", plan.diff()))?;
        }
    }
    let mut actions = Vec::new();
    if section.is_some() {
        actions.push(("Apply".to_string(), Action::Apply));
    }
    let testable = matches!(section, Some(Section::Backend { .. })) && ctx.probe.is_some();
    if testable {
        actions.push(("Test the connection again".to_string(), Action::TestAgain));
    }
    for (i, title) in def.steps().iter().enumerate() {
        actions.push((format!("Edit step {}: {title}", i + 1), Action::Edit(i)));
    }
    actions.push(("Cancel".to_string(), Action::Cancel));
    let labels: Vec<String> = actions.iter().map(|(l, _)| l.clone()).collect();

    let mut test_now = testable;
    loop {
        if std::mem::take(&mut test_now)
            && let (Some(Section::Backend { config, .. }), Some(probe)) = (&section, ctx.probe)
        {
            let text = match probe.test(config) {
                Ok(report) => format!("Connection test passed: {}", report.render()),
                Err(reason) => format!("Connection test failed: {reason}"),
            };
            p.show(&text)?;
        }
        let choice = match p.select("What next?", None, &labels, 0)? {
            Answer::Value(i) => actions.get(i).map(|(_, a)| a),
            Answer::Back => return Ok(ReviewChoice::Back),
            Answer::Cancel => return Ok(ReviewChoice::Cancel),
        };
        match (choice, section.as_ref()) {
            (Some(Action::Apply), Some(s)) => return Ok(ReviewChoice::Apply(s.clone())),
            (Some(Action::TestAgain), _) => test_now = true,
            (Some(Action::Edit(n)), _) => return Ok(ReviewChoice::Edit(*n)),
            (Some(Action::Cancel), _) => return Ok(ReviewChoice::Cancel),
            _ => {}
        }
    }
}
