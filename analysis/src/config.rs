//! `.onus.toml`, at the workspace root: turn rules off, change their severities, exclude paths.
//!
//! ```toml
//! disable = ["s3-access-logging-disabled"]
//! exclude = ["examples/**", "**/fixtures/**"]
//!
//! [severity]
//! s3-versioning-disabled = "high"
//!
//! [[policy]]                                   # an organisation's own rule (see [`PolicyDef`])
//! id = "acme-required-tags"
//! resources = ["aws_s3_bucket", "AWS::S3::Bucket"]
//! required_tags = ["Owner", "CostCenter"]
//! ```
//!
//! A malformed file is reported as diagnostics on the file, and onus goes on with the defaults (or, for
//! mistakes that spoil only one entry, such as an unknown rule id, with the rest of the file).

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::responsibility::Row;
use crate::rule::{Rules, Severity};
use crate::text::TextRange;

pub const FILE_NAME: &str = ".onus.toml";

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Rule ids turned off (a set: asked once per rule per module, and a configuration may list hundreds).
    pub disabled: std::collections::BTreeSet<String>,
    pub severities: BTreeMap<String, Severity>,
    /// The organisation's own rules, in the file's order (see [`crate::org_policy`], which runs them).
    pub policies: Vec<PolicyDef>,
    /// `baseline = "..."`: the baseline file the editor honours, as written (relative to the file's folder), and
    /// where it is written, for a problem reading it.
    pub baseline: Option<(String, TextRange)>,
    exclude: Option<globset::GlobSet>,
    /// The folder holding the file: `exclude` globs are relative to it.
    root: String,
}

/// A problem in the configuration file.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub range: TextRange,
    pub message: String,
    /// The file could not be read at all: none of it applies (the editor runs with the defaults).
    pub whole_file: bool,
}

/// An organisation policy: a rule written in `.onus.toml`, reported with its own id, severity and row.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDef {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub row: Row,
    /// Resource types, Terraform or CloudFormation, as globs (`aws_*`, `AWS::RDS::*`); empty: every resource.
    pub resources: Vec<String>,
    pub check: PolicyCheck,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PolicyCheck {
    /// These tag keys are set (Terraform `tags`, with the provider's `default_tags`; CloudFormation `Tags`).
    RequiredTags(Vec<String>),
    /// An attribute's value: `terraform` is a path through nested blocks (`logging.target_bucket`),
    /// `cloudformation` a property path below `Properties` (`LoggingConfiguration.DestinationBucketName`).
    Attribute { terraform: Option<String>, cloudformation: Option<String>, required: bool, values: Option<ValueTest> },
    /// The regions providers and resources name are among these.
    Regions(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ValueTest {
    Allowed(Vec<String>),
    Forbidden(Vec<String>),
    /// A regular expression the whole value matches.
    Pattern(String),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    id: String,
    title: Option<String>,
    severity: Option<String>,
    row: Option<String>,
    #[serde(default)]
    resources: Vec<String>,
    required_tags: Option<Vec<String>>,
    attribute: Option<String>,
    property: Option<String>,
    allowed: Option<Vec<toml::Value>>,
    forbidden: Option<Vec<toml::Value>>,
    pattern: Option<String>,
    #[serde(default)]
    required: bool,
    allowed_regions: Option<Vec<String>>,
}

/// A value of `allowed`/`forbidden` as compared: TOML strings, numbers and booleans as Terraform writes them.
fn value_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(i) => Some(i.to_string()),
        toml::Value::Float(f) => Some(crate::value::format_number(*f)),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

impl RawPolicy {
    fn compile(self) -> Result<PolicyDef, String> {
        let id = self.id;
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(format!("policy id `{id}`: use letters, digits, `-` and `_`"));
        }
        let severity = match &self.severity {
            None => Severity::Medium,
            Some(name) => {
                Severity::from_name(name).filter(|s| !matches!(s, Severity::Error | Severity::Hint)).ok_or_else(
                    || format!("policy `{id}`: `{name}` is not a severity: use low, medium, high or critical"),
                )?
            }
        };
        let row = match &self.row {
            None => Row::Compliance,
            Some(slug) => Row::from_slug(slug).filter(|r| Row::CUSTOMER.contains(r)).ok_or_else(|| {
                let slugs: Vec<&str> = Row::CUSTOMER.iter().map(|r| r.slug()).collect();
                format!("policy `{id}`: `{slug}` is not a customer row: use one of {}", slugs.join(", "))
            })?,
        };
        for glob in &self.resources {
            globset::Glob::new(glob).map_err(|e| format!("policy `{id}`: bad resource glob: {e}"))?;
        }
        let texts = |name: &str, list: Option<Vec<toml::Value>>| -> Result<Option<Vec<String>>, String> {
            list.map(|l| {
                l.iter()
                    .map(|v| {
                        value_text(v).ok_or_else(|| {
                            format!("policy `{id}`: `{name}` holds {v}, not a string, number or boolean")
                        })
                    })
                    .collect()
            })
            .transpose()
        };
        let allowed = texts("allowed", self.allowed)?;
        let forbidden = texts("forbidden", self.forbidden)?;
        let attribute_given = self.attribute.is_some() || self.property.is_some();
        let tests = [allowed.is_some(), forbidden.is_some(), self.pattern.is_some()].iter().filter(|b| **b).count();
        let kinds = [self.required_tags.is_some(), attribute_given, self.allowed_regions.is_some()];
        let check = match kinds {
            [true, false, false] => {
                let tags = self.required_tags.unwrap_or_default();
                if tags.is_empty() {
                    return Err(format!("policy `{id}`: `required_tags` is empty"));
                }
                PolicyCheck::RequiredTags(tags)
            }
            [false, true, false] => {
                if tests > 1 {
                    return Err(format!("policy `{id}`: use one of `allowed`, `forbidden` and `pattern`"));
                }
                if tests == 0 && !self.required {
                    return Err(format!(
                        "policy `{id}`: say what the attribute must be: `allowed`, `forbidden`, `pattern` or `required = true`"
                    ));
                }
                let values = match (allowed, forbidden, self.pattern) {
                    (Some(a), _, _) => Some(ValueTest::Allowed(a)),
                    (_, Some(f), _) => Some(ValueTest::Forbidden(f)),
                    (_, _, Some(p)) => {
                        regex::Regex::new(&p).map_err(|e| format!("policy `{id}`: bad pattern: {e}"))?;
                        Some(ValueTest::Pattern(p))
                    }
                    _ => None,
                };
                let path = |p: Option<String>| p.filter(|p| !p.is_empty());
                PolicyCheck::Attribute {
                    terraform: path(self.attribute),
                    cloudformation: path(self.property),
                    required: self.required,
                    values,
                }
            }
            [false, false, true] => PolicyCheck::Regions(self.allowed_regions.unwrap_or_default()),
            _ => {
                return Err(format!(
                    "policy `{id}`: give exactly one of `required_tags`, `attribute`/`property` and `allowed_regions`"
                ))
            }
        };
        if (tests > 0 || self.required) && !matches!(check, PolicyCheck::Attribute { .. }) {
            return Err(format!("policy `{id}`: `allowed`, `forbidden`, `pattern` and `required` go with `attribute`"));
        }
        let title = self.title.unwrap_or_else(|| match &check {
            PolicyCheck::RequiredTags(tags) => format!("Resources carry the tags {}", tags.join(", ")),
            PolicyCheck::Attribute { terraform, cloudformation, .. } => {
                let name = terraform.as_deref().or(cloudformation.as_deref()).unwrap_or_default();
                format!("`{name}` follows the organisation's policy")
            }
            PolicyCheck::Regions(regions) => format!("Resources are in the regions {}", regions.join(", ")),
        });
        Ok(PolicyDef { id, title, severity, row, resources: self.resources, check })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    disable: Vec<toml::Spanned<String>>,
    #[serde(default)]
    exclude: Vec<toml::Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<toml::Spanned<String>, toml::Spanned<String>>,
    #[serde(default)]
    policy: Vec<toml::Spanned<toml::Value>>,
    baseline: Option<toml::Spanned<String>>,
}

impl Config {
    /// Parses the file's text. `root` is the folder that holds it; `rules` are the rules it may name.
    pub fn parse(text: &str, root: &str, rules: Rules) -> (Config, Vec<ConfigError>) {
        let mut config = Config { root: root.trim_end_matches(['/', '\\']).to_string(), ..Config::default() };
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let range = e.span().map(|s| TextRange::new(s.start, s.end)).unwrap_or_default();
                let message = format!("not a valid configuration: {}", e.message());
                return (config, vec![ConfigError { range, message, whole_file: true }]);
            }
        };
        let mut errors = Vec::new();
        // Policies first: `disable` and `[severity]` may name them.
        for raw in &raw.policy {
            let span = raw.span();
            let error = |message: String| ConfigError {
                whole_file: false,
                range: TextRange::new(span.start, span.end),
                message,
            };
            let policy = RawPolicy::deserialize(raw.get_ref().clone())
                .map_err(|e| format!("not a valid policy: {}", e.message()))
                .and_then(RawPolicy::compile);
            match policy {
                Ok(p) if rules.by_id(&p.id).is_some() => {
                    errors.push(error(format!("policy id `{}` is an onus rule's: choose another", p.id)))
                }
                Ok(p) if config.policies.iter().any(|q| q.id == p.id) => {
                    errors.push(error(format!("a second policy `{}`: ids are unique", p.id)))
                }
                Ok(p) => config.policies.push(p),
                Err(message) => errors.push(error(message)),
            }
        }
        let policies: Vec<String> = config.policies.iter().map(|p| p.id.clone()).collect();
        let known = |id: &toml::Spanned<String>, errors: &mut Vec<ConfigError>| {
            let ok = rules.by_id(id.get_ref()).is_some() || policies.contains(id.get_ref());
            if !ok {
                let span = id.span();
                errors.push(ConfigError {
                    whole_file: false,
                    range: TextRange::new(span.start, span.end),
                    message: format!("no onus rule `{}` (see `onus rules`)", id.get_ref()),
                });
            }
            ok
        };
        for id in &raw.disable {
            if known(id, &mut errors) {
                config.disabled.insert(id.get_ref().clone());
            }
        }
        for (id, level) in &raw.severity {
            if !known(id, &mut errors) {
                continue;
            }
            match Severity::from_name(level.get_ref()).filter(|s| !matches!(s, Severity::Error | Severity::Hint)) {
                Some(s) => {
                    config.severities.insert(id.get_ref().clone(), s);
                }
                None => errors.push(ConfigError {
                    whole_file: false,
                    range: TextRange::new(level.span().start, level.span().end),
                    message: format!("`{}` is not a severity: use low, medium, high or critical", level.get_ref()),
                }),
            }
        }
        config.baseline =
            raw.baseline.as_ref().map(|b| (b.get_ref().clone(), TextRange::new(b.span().start, b.span().end)));
        let mut globs = globset::GlobSetBuilder::new();
        for pattern in &raw.exclude {
            match globset::Glob::new(pattern.get_ref()) {
                Ok(g) => {
                    globs.add(g);
                }
                Err(e) => errors.push(ConfigError {
                    whole_file: false,
                    range: TextRange::new(pattern.span().start, pattern.span().end),
                    message: format!("bad glob: {e}"),
                }),
            }
        }
        config.exclude = globs.build().ok().filter(|g| !g.is_empty());
        (config, errors)
    }

    /// Applies an editor's settings on top of the file: `{"disable": [ids], "severity": {id: level}}` (the
    /// `rules` object of the VS Code extension's settings). Rules disabled in either are off; an editor severity
    /// wins over the file's. Returns the problems found (unknown ids, bad levels), which the caller logs.
    pub fn with_editor_settings(mut self, settings: &serde_json::Value, rules: Rules) -> (Config, Vec<String>) {
        let mut problems = Vec::new();
        let known = |id: &str, problems: &mut Vec<String>| {
            let ok = rules.by_id(id).is_some();
            if !ok {
                problems.push(format!("editor settings: no onus rule `{id}`"));
            }
            ok
        };
        for id in settings.get("disable").and_then(|d| d.as_array()).into_iter().flatten().filter_map(|v| v.as_str()) {
            if known(id, &mut problems) && self.is_enabled(id) {
                self.disabled.insert(id.to_string());
            }
        }
        for (id, level) in settings.get("severity").and_then(|s| s.as_object()).into_iter().flatten() {
            if !known(id, &mut problems) {
                continue;
            }
            match level
                .as_str()
                .and_then(Severity::from_name)
                .filter(|s| !matches!(s, Severity::Error | Severity::Hint))
            {
                Some(level) => {
                    self.severities.insert(id.clone(), level);
                }
                None => problems.push(format!("editor settings: `{level}` is not a severity for `{id}`")),
            }
        }
        (self, problems)
    }

    pub fn is_enabled(&self, rule_id: &str) -> bool {
        !self.disabled.contains(rule_id)
    }

    pub fn severity_of(&self, rule_id: &str, default: Severity) -> Severity {
        self.severities.get(rule_id).copied().unwrap_or(default)
    }

    /// Whether `path` is excluded (globs match the path relative to the configuration's folder).
    pub fn is_excluded(&self, path: &str) -> bool {
        let Some(globs) = &self.exclude else { return false };
        let relative = path.strip_prefix(&self.root).map(|p| p.trim_start_matches(['/', '\\'])).unwrap_or(path);
        globs.is_match(relative)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file() {
        let text = "disable = [\"s3-public-acl\"]\nexclude = [\"examples/**\"]\n[severity]\nrds-storage-unencrypted = \"critical\"\n";
        let (config, errors) = Config::parse(text, "/w", crate::catalog::rules());
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!config.is_enabled("s3-public-acl"));
        assert_eq!(config.severity_of("rds-storage-unencrypted", Severity::High), Severity::Critical);
        assert!(config.is_excluded("/w/examples/a/main.tf"));
        assert!(!config.is_excluded("/w/src/main.tf"));
    }

    #[test]
    fn editor_settings_apply_on_top_of_the_file() {
        let (file, _) = Config::parse(
            "disable = [\"s3-public-acl\"]\n[severity]\nrds-storage-unencrypted = \"low\"\n",
            "/w",
            crate::catalog::rules(),
        );
        let settings = serde_json::json!({"disable": ["sg-ssh-open-to-world", "nope"], "severity": {"rds-storage-unencrypted": "critical"}});
        let (config, problems) = file.with_editor_settings(&settings, crate::catalog::rules());
        assert!(!config.is_enabled("s3-public-acl") && !config.is_enabled("sg-ssh-open-to-world"));
        assert_eq!(config.severity_of("rds-storage-unencrypted", Severity::High), Severity::Critical);
        assert_eq!(problems, ["editor settings: no onus rule `nope`"]);
    }

    #[test]
    fn mistakes_are_located() {
        let text = "disable = [\"nope\"]\n[severity]\ns3-public-acl = \"urgent\"\n";
        let (config, errors) = Config::parse(text, "/w", crate::catalog::rules());
        assert_eq!(errors.len(), 2);
        assert_eq!(&text[errors[0].range.start..errors[0].range.end], "\"nope\"");
        assert!(errors[1].message.contains("urgent"));
        assert!(config.is_enabled("s3-public-acl"));
        let (_, errors) = Config::parse("disable = [\n", "/w", crate::catalog::rules());
        assert_eq!(errors.len(), 1);
        let (_, errors) = Config::parse("colour = 1\n", "/w", crate::catalog::rules());
        assert!(errors[0].message.contains("colour"), "{errors:?}");
    }
}
