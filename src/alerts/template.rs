//! Alert message templates: `{name}`, `{value}`, `{threshold}`, `{severity}` and `{metric}` are
//! replaced; `{{` and `}}` are literal braces. Checked at config load so a typo in a placeholder
//! is reported once, not rendered verbatim on every alert.

const PLACEHOLDERS: &[&str] = &["name", "value", "threshold", "severity", "metric"];

/// The values a template can refer to.
pub struct Vars<'a> {
    pub name: &'a str,
    pub value: f64,
    pub threshold: f64,
    pub severity: &'a str,
    pub metric: &'a str,
}

/// Checks placeholders and braces.
pub fn check(template: &str) -> Result<(), String> {
    walk(template, |_| Some(String::new())).map(|_| ())
}

/// Renders a template that passed `check`; an unknown placeholder is left as written.
pub fn render(template: &str, v: &Vars<'_>) -> String {
    let out = walk(template, |key| {
        Some(match key {
            "name" => v.name.to_string(),
            "value" => number(v.value),
            "threshold" => number(v.threshold),
            "severity" => v.severity.to_string(),
            "metric" => v.metric.to_string(),
            _ => return None,
        })
    });
    out.unwrap_or_else(|_| template.to_string())
}

/// Whole numbers without decimals ("3 peers"), others with one ("81.4%").
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn walk(template: &str, mut subst: impl FnMut(&str) -> Option<String>) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if let Some(r) = tail.strip_prefix("{{") {
            out.push('{');
            rest = r;
        } else if let Some(r) = tail.strip_prefix("}}") {
            out.push('}');
            rest = r;
        } else if tail.starts_with('}') {
            return Err("unmatched '}' in message; write '}}' for a literal brace".into());
        } else {
            let Some(end) = tail.find('}') else {
                return Err("unclosed '{' in message; write '{{' for a literal brace".into());
            };
            let key = &tail[1..end];
            if !PLACEHOLDERS.contains(&key) {
                return Err(format!(
                    "unknown placeholder {{{key}}} in message; use {}",
                    PLACEHOLDERS
                        .iter()
                        .map(|p| format!("{{{p}}}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            match subst(key) {
                Some(s) => out.push_str(&s),
                None => out.push_str(&tail[..=end]),
            }
            rest = &tail[end + 1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_and_checks() {
        let v = Vars {
            name: "repo",
            value: 81.44,
            threshold: 80.0,
            severity: "warning",
            metric: "kubo.repo.usage_percent",
        };
        assert_eq!(
            render("{name}: {value}% >= {threshold}% {{ok}}", &v),
            "repo: 81.4% >= 80% {ok}"
        );
        assert!(check("{value} of {threshold}").is_ok());
        assert!(
            check("{valeu}")
                .unwrap_err()
                .contains("unknown placeholder {valeu}")
        );
        assert!(check("50% {").is_err());
        assert!(check("a } b").is_err());
    }
}
