//! Asking one question through the prompter and storing the answer.

use super::question::{Arm, Input, Question};
use crate::answers::Answers;
use crate::prompt::{Answer, PromptError, Prompter};
use crate::validate;

/// Where the step machine goes after a question.
pub(crate) enum Flow {
    Next,
    Back,
    Cancel,
}

fn flow<T>(answer: Answer<T>, store: impl FnOnce(T)) -> Flow {
    match answer {
        Answer::Value(v) => {
            store(v);
            Flow::Next
        }
        Answer::Back => Flow::Back,
        Answer::Cancel => Flow::Cancel,
    }
}

pub(crate) fn ask(
    p: &mut dyn Prompter,
    q: &Question,
    a: &mut Answers,
) -> Result<Flow, PromptError> {
    let help = q.help.as_deref();
    match &q.input {
        Input::Text {
            check,
            default,
            optional,
        } => {
            let (check, optional) = (*check, *optional);
            let guard = move |s: &str| {
                if optional && s.trim().is_empty() {
                    Ok(())
                } else {
                    check(s)
                }
            };
            let current = a
                .get(&q.key)
                .map(str::to_string)
                .or_else(|| default.clone());
            let reply = match &current {
                Some(d) => p.text_with_default(&q.message, help, d, &guard)?,
                None => p.text(&q.message, help, &guard)?,
            };
            Ok(flow(reply, |v| a.set(q.key.as_str(), v.trim())))
        }
        Input::Choice { options, default } => {
            let labels: Vec<String> = options.iter().map(|(_, label)| label.clone()).collect();
            let current = a.get(&q.key).unwrap_or(default);
            let start = options.iter().position(|(v, _)| v == current).unwrap_or(0);
            let reply = p.select(&q.message, help, &labels, start)?;
            Ok(flow(reply, |i| {
                if let Some((v, _)) = options.get(i) {
                    a.set(q.key.as_str(), v.clone());
                }
            }))
        }
        Input::Flag { default } => {
            let current = a
                .get(&q.key)
                .and_then(|v| validate::boolean(v).ok())
                .unwrap_or(*default);
            let reply = p.confirm(&q.message, help, current)?;
            Ok(flow(reply, |b| a.set(q.key.as_str(), b.to_string())))
        }
        Input::Many { options } => ask_many(p, q, options, a),
        Input::Either { arms } => ask_either(p, q, arms, a),
    }
}

fn ask_many(
    p: &mut dyn Prompter,
    q: &Question,
    options: &[String],
    a: &mut Answers,
) -> Result<Flow, PromptError> {
    let help = q.help.as_deref();
    if options.is_empty() {
        // Nothing to pick from: type the names, checked the same way as an answers file.
        let check = |s: &str| validate::name_list(s).map(drop);
        let reply = match a.get(&q.key).map(str::to_string) {
            Some(d) => p.text_with_default(&q.message, help, &d, &check)?,
            None => p.text(&q.message, help, &check)?,
        };
        return Ok(flow(reply, |v| a.set(q.key.as_str(), v.trim())));
    }
    loop {
        let selected: Vec<usize> = a
            .get(&q.key)
            .unwrap_or("")
            .split(',')
            .filter_map(|name| options.iter().position(|o| o == name.trim()))
            .collect();
        match p.multiselect(&q.message, help, options, &selected)? {
            Answer::Value(picked) if picked.is_empty() => {
                p.show("Choose at least one: Space ticks an option, Enter confirms.")?;
            }
            Answer::Value(picked) => {
                let names: Vec<&str> = picked
                    .iter()
                    .filter_map(|i| options.get(*i))
                    .map(String::as_str)
                    .collect();
                a.set(q.key.as_str(), names.join(","));
                return Ok(Flow::Next);
            }
            Answer::Back => return Ok(Flow::Back),
            Answer::Cancel => return Ok(Flow::Cancel),
        }
    }
}

/// A menu of arms, then the chosen arm's own prompt; Back from that prompt returns to the
/// menu. Choosing an arm drops the answers of the others.
fn ask_either(
    p: &mut dyn Prompter,
    q: &Question,
    arms: &[Arm],
    a: &mut Answers,
) -> Result<Flow, PromptError> {
    let labels: Vec<String> = arms.iter().map(|arm| arm.label.to_string()).collect();
    loop {
        let start = arms.iter().position(|arm| a.contains(arm.key)).unwrap_or(0);
        let arm = match p.select(&q.message, q.help.as_deref(), &labels, start)? {
            Answer::Value(i) => match arms.get(i) {
                Some(arm) => arm,
                None => continue,
            },
            Answer::Back => return Ok(Flow::Back),
            Answer::Cancel => return Ok(Flow::Cancel),
        };
        match ask_arm(p, arm, a)? {
            Flow::Next => {
                for other in arms.iter().filter(|o| o.key != arm.key) {
                    a.remove(other.key);
                }
                return Ok(Flow::Next);
            }
            Flow::Back => continue,
            Flow::Cancel => return Ok(Flow::Cancel),
        }
    }
}

fn ask_arm(p: &mut dyn Prompter, arm: &Arm, a: &mut Answers) -> Result<Flow, PromptError> {
    let check = arm.check;
    if arm.masked {
        // A secret cannot be shown again, so an empty answer keeps the one given before.
        let has = a.contains(arm.key);
        let guard = move |s: &str| {
            if has && s.is_empty() {
                Ok(())
            } else {
                check(s)
            }
        };
        let help = has.then_some("Leave empty to keep the secret entered before.");
        let reply = p.password(arm.message, help, &guard)?;
        return Ok(flow(reply, |v| {
            if !v.is_empty() {
                a.set(arm.key, v);
            }
        }));
    }
    let guard = move |s: &str| check(s);
    let reply = match a.get(arm.key).map(str::to_string) {
        Some(d) => p.text_with_default(arm.message, None, &d, &guard)?,
        None => p.text(arm.message, None, &guard)?,
    };
    Ok(flow(reply, |v| a.set(arm.key, v.trim())))
}
