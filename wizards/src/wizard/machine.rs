//! The step machine: an index over steps and questions that keeps every answer, so Back
//! and "Edit step N" re-ask with what was given before.

use super::ask::{Flow, ask};
use super::review::{self, ReviewChoice};
use super::{Context, Def, Outcome, WizardError};
use crate::answers::Answers;
use crate::prompt::Prompter;

pub(crate) fn run(
    def: &dyn Def,
    p: &mut dyn Prompter,
    ctx: &Context<'_>,
    mut answers: Answers,
) -> Result<Outcome, WizardError> {
    let steps = def.steps();
    let total = steps.len() + usize::from(def.review_is_own_step());
    let (mut step, mut q) = (0usize, 0usize);
    // Moving backwards skips steps with nothing to ask in that direction too.
    let mut backward = false;
    // After "Edit step N", only later steps that lack answers are visited again.
    let mut editing = false;
    let mut header: Option<usize> = None;
    loop {
        if step >= steps.len() {
            editing = false;
            header = None;
            prune(def, &mut answers);
            match review::run(def, p, ctx, &answers, total)? {
                ReviewChoice::Apply(section) => return Ok(Outcome::Apply(section)),
                ReviewChoice::Cancel => return Ok(Outcome::Cancelled),
                ReviewChoice::Edit(n) => {
                    (step, q, backward, editing) = (n, 0, false, true);
                }
                ReviewChoice::Back => {
                    (step, q, backward) = (steps.len().saturating_sub(1), usize::MAX, true);
                }
            }
            continue;
        }
        let questions = def.questions(step, &answers);
        if questions.is_empty() {
            if !backward {
                step = next_step(def, step, &answers, editing);
            } else if step == 0 {
                backward = false;
            } else {
                step -= 1;
            }
            continue;
        }
        q = q.min(questions.len() - 1);
        if header != Some(step) {
            p.show(&format!("Step {}/{total}: {}", step + 1, steps[step]))?;
            header = Some(step);
        }
        match ask(p, &questions[q], &mut answers)? {
            Flow::Next => {
                backward = false;
                q += 1;
                // Asked again: an answer (kind, scheme) may change what the step asks.
                if q >= def.questions(step, &answers).len() {
                    step = next_step(def, step, &answers, editing);
                    q = 0;
                }
            }
            Flow::Back if q > 0 => q -= 1,
            Flow::Back if step > 0 => (step, q, backward) = (step - 1, usize::MAX, true),
            Flow::Back => p.show("This is the first question; Ctrl-C leaves the wizard.")?,
            Flow::Cancel => return Ok(Outcome::Cancelled),
        }
    }
}

fn next_step(def: &dyn Def, step: usize, answers: &Answers, editing: bool) -> usize {
    if !editing {
        return step + 1;
    }
    (step + 1..def.steps().len())
        .find(|&k| {
            def.questions(k, answers)
                .iter()
                .any(|q| q.unanswered(answers))
        })
        .unwrap_or(def.steps().len())
}

/// Drops answers no question asks under the current answers (the `bucket` of an S3
/// backend after the kind was changed to Kubo), so the review does not trip over them.
fn prune(def: &dyn Def, answers: &mut Answers) {
    let live: Vec<String> = (0..def.steps().len())
        .flat_map(|k| def.questions(k, answers))
        .flat_map(|q| q.keys())
        .collect();
    let stale: Vec<String> = answers
        .keys()
        .filter(|k| !live.iter().any(|l| l == k))
        .map(str::to_string)
        .collect();
    for k in stale {
        answers.remove(&k);
    }
}
