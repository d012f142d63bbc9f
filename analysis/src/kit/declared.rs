//! Declared settings: a rule that says "this attribute (Terraform) or property (CloudFormation) must hold a
//! secure value" is one [`Setting`], from which the kit derives both matchers, both quick-fixes and the
//! documentation's "what it does" and "how to fix it".
//!
//! ```text
//! matcher: &Setting {
//!     terraform: Some(Tf { types: &["aws_cloudwatch_log_group"], path: "kms_key_id", ..Tf::DEFAULT }),
//!     cloudformation: Some(Cfn { types: &["AWS::Logs::LogGroup"], path: "KmsKeyId", ..Cfn::DEFAULT }),
//!     want: Want::Kms,
//!     absent: Some("its logs are encrypted with a key AWS owns, which no key policy of yours controls"),
//!     ..Setting::DEFAULT
//! }
//! ```
//!
//! Paths go through nested blocks (Terraform: `restrictions.geo_restriction.restriction_type`, whichever way
//! the block is written: a block, a `dynamic` block, an object attribute) and nested maps and lists
//! (CloudFormation: `DistributionConfig.Origins.CustomOriginConfig.OriginProtocolPolicy`, a list's items each in
//! turn). A step ending in `?` is optional: where it is absent the setting does not apply (an S3 origin has no
//! `custom_origin_config`). Any other absent step means the setting is absent.
//!
//! Judged as Terraform and CloudFormation judge them: absent, `null` (literally or through a variable, local or
//! conditional) and `!Ref AWS::NoValue` all mean "not set", so the provider's default applies; an unknown value
//! is never a finding.

use std::borrow::Cow;

use serde_json::json;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::{Node, NodeKind};
use crate::cloudformation::CfnResource;
use crate::fix::{Edit, Fix};
use crate::rule::{Docs, Matcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::terraform::view::{Config, Field};
use crate::value::{format_number, Value};

/// What a secure value is.
#[derive(Clone, Copy, Debug)]
pub enum Want {
    /// This boolean (`"true"`/`"false"` strings count, as Terraform converts them).
    Bool(bool),
    /// One of these strings (case-insensitive); the fix writes the first.
    OneOf(&'static [&'static str]),
    /// Anything but these strings (case-insensitive); the fix writes `fix`.
    NoneOf { insecure: &'static [&'static str], fix: &'static str },
    /// A number at least this; the fix writes it.
    AtLeast(f64),
    /// A number at most this (and above zero: zero is "off" wherever these settings are numbers); the fix writes it.
    AtMost(f64),
    /// Any value but an empty string or list; the fix writes `placeholder` (a string to replace: needs review).
    Present { placeholder: &'static str },
    /// A customer-managed KMS key: any key but an AWS-managed one (`alias/aws/...`, or its ARN); the fix writes
    /// a placeholder ARN (needs review).
    Kms,
    /// A list holding every one of these strings (case-insensitive); the fix writes the missing ones.
    Contains(&'static [&'static str]),
    /// A number other than `insecure` (a value that means "off"); the fix writes `fix`.
    NumberNot { insecure: f64, fix: f64 },
}

/// The placeholder a KMS key fix writes: a value for the person to replace.
pub const KMS_PLACEHOLDER: &str = "<customer-managed-kms-key-arn>";

/// The Terraform side of a declared setting.
#[derive(Clone, Copy, Debug)]
pub struct Tf {
    /// The resource types checked.
    pub types: &'static [&'static str],
    /// Calls of registry modules `terraform-aws-modules/<name>/aws` whose input of that name carries the
    /// setting, and whether leaving it out is insecure for the module (its default may differ from the
    /// provider's).
    pub modules: &'static [(&'static str, &'static str, bool)],
    /// The attribute, through nested blocks (see the module's documentation).
    pub path: &'static str,
    /// Whether the setting applies to a resource (the rule does not fire where it returns `false`).
    pub applies: Option<fn(&TfContext, Resource) -> bool>,
    /// The documented example (an insecure resource) and what the fix makes of it.
    pub example: &'static str,
    pub fixed: &'static str,
}

impl Tf {
    pub const DEFAULT: Tf = Tf { types: &[], modules: &[], path: "", applies: None, example: "", fixed: "" };
}

/// The CloudFormation side of a declared setting.
#[derive(Clone, Copy, Debug)]
pub struct Cfn {
    pub types: &'static [&'static str],
    /// The property below `Properties`, through nested maps and lists (see the module's documentation).
    pub path: &'static str,
    pub applies: Option<fn(&CfnContext, CfnResource) -> bool>,
    /// The documented example (an insecure template, YAML) and what the fix makes of it.
    pub example: &'static str,
    pub fixed: &'static str,
}

impl Cfn {
    pub const DEFAULT: Cfn = Cfn { types: &[], path: "", applies: None, example: "", fixed: "" };
}

/// A setting that must hold a secure value, in either format.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    pub terraform: Option<Tf>,
    pub cloudformation: Option<Cfn>,
    pub want: Want,
    /// When leaving the setting out is insecure (the default is the insecure value): what that means, after
    /// "`x` does not set `y`: ". `None`: an absent setting is fine.
    pub absent: Option<&'static str>,
    /// What an insecure value means, after "`x` sets `y = v`: ".
    pub insecure: &'static str,
    /// The fix in words, for the documentation (a sentence is derived from `want` when empty).
    pub fix: &'static str,
    /// The quick-fix's title (derived from `want` when empty).
    pub fix_title: &'static str,
}

impl Setting {
    pub const DEFAULT: Setting = Setting {
        terraform: None,
        cloudformation: None,
        want: Want::Bool(true),
        absent: None,
        insecure: "",
        fix: "",
        fix_title: "",
    };
}

/// A step of a path: a name, and whether it is optional (`?`).
fn steps(path: &str) -> Vec<(&str, bool)> {
    path.split('.').map(|s| s.strip_suffix('?').map_or((s, false), |s| (s, true))).collect()
}

/// A path as written in messages, without the optional marks.
fn shown(path: &str) -> String {
    path.replace('?', "")
}

/// Whether a known value is secure; `None` when it cannot be told (unknown, or of another type).
pub fn judge(want: Want, v: &Value) -> Option<bool> {
    let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    match want {
        Want::Bool(b) => v.as_bool().map(|x| x == b),
        Want::OneOf(ok) => v.as_str().map(|s| ok.iter().any(|o| eq(o, s))),
        Want::NoneOf { insecure, .. } => v.as_str().map(|s| !insecure.iter().any(|o| eq(o, s))),
        Want::AtLeast(n) => v.as_f64().map(|x| x >= n),
        Want::AtMost(n) => v.as_f64().map(|x| x > 0.0 && x <= n),
        Want::Present { .. } => match v {
            Value::String(s) => Some(!s.trim().is_empty()),
            Value::List(items) => Some(!items.is_empty()),
            Value::Unknown | Value::Null => None,
            _ => Some(true),
        },
        Want::Kms => match v {
            Value::String(s) => Some(!s.trim().is_empty() && !is_aws_managed_key(s)),
            _ => None,
        },
        Want::Contains(all) => {
            let items = v.as_list()?;
            if items.iter().any(|i| !i.is_known()) {
                return None;
            }
            Some(all.iter().all(|w| items.iter().any(|i| i.as_str().is_some_and(|s| eq(s, w)))))
        }
        Want::NumberNot { insecure, .. } => v.as_f64().map(|x| x != insecure),
    }
}

/// An AWS-managed key (`alias/aws/s3`, or an ARN naming one): it exists in every account, and no key policy of
/// the customer's governs it.
pub fn is_aws_managed_key(key: &str) -> bool {
    let key = key.trim();
    key.starts_with("alias/aws/") || (key.starts_with("arn:") && key.contains(":alias/aws/"))
}

/// The secure value the fix writes, as JSON (`None`: the fix cannot be derived), and whether it is a
/// placeholder the person must replace.
fn fix_value(want: Want, current: &Value) -> Option<(serde_json::Value, bool)> {
    Some(match want {
        Want::Bool(b) => (json!(b), false),
        Want::OneOf(ok) => (json!(ok.first()?), false),
        Want::NoneOf { fix, .. } => (json!(fix), false),
        Want::AtLeast(n) | Want::AtMost(n) => (number_json(n), false),
        Want::Present { placeholder } => (json!(placeholder), true),
        Want::Kms => (json!(KMS_PLACEHOLDER), true),
        Want::Contains(all) => {
            let mut items: Vec<serde_json::Value> =
                current.as_list().unwrap_or_default().iter().filter_map(Value::to_json).collect();
            for w in all {
                if !items.iter().any(|i| i.as_str().is_some_and(|s| s.eq_ignore_ascii_case(w))) {
                    items.push(json!(w));
                }
            }
            (serde_json::Value::Array(items), false)
        }
        Want::NumberNot { fix, .. } => (number_json(fix), false),
    })
}

fn number_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// HCL text of a JSON value (what a Terraform fix writes).
pub fn hcl_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Array(items) => format!("[{}]", items.iter().map(hcl_text).collect::<Vec<_>>().join(", ")),
        serde_json::Value::Object(map) => {
            format!(
                "{{ {} }}",
                map.iter().map(|(k, v)| format!("{k} = {}", hcl_text(v))).collect::<Vec<_>>().join(", ")
            )
        }
        other => other.to_string(),
    }
}

/// A value as a message shows it.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Number(n) => format_number(*n),
        other => other.to_json().map(|j| j.to_string()).unwrap_or_else(|| "(unknown)".into()),
    }
}

/// Where a Terraform `null` came from, for the message: the expression that evaluated to it.
fn null_origin(field: Field) -> String {
    crate::terraform::check::null_origin(field.expr)
}

impl Setting {
    fn title(&self) -> Cow<'static, str> {
        if !self.fix_title.is_empty() {
            return self.fix_title.into();
        }
        match self.want {
            Want::Kms => "Use a customer-managed KMS key (placeholder to replace)".into(),
            Want::Present { .. } => "Set it (placeholder to replace)".into(),
            _ => "Write the secure setting".into(),
        }
    }

    fn fix_for(&self, edit: Edit, placeholder: bool) -> Fix {
        if placeholder {
            Fix::unsafe_(self.title(), vec![edit])
        } else {
            Fix::new(self.title(), vec![edit])
        }
    }

    // ---- Terraform

    fn check_tf(&self, ctx: &mut TfContext, tf: &Tf) {
        let mut subjects: Vec<Resource> = Vec::new();
        for ty in tf.types {
            subjects.extend(ctx.resources(ty));
        }
        for (module, _, _) in tf.modules {
            subjects
                .extend(ctx.blocks("module").filter(|m| crate::terraform::check::is_registry_module(m.block, module)));
        }
        for res in subjects {
            if tf.applies.is_some_and(|applies| !applies(ctx, res)) {
                continue;
            }
            if res.is_module() {
                let Some(&(_, input, absent_insecure)) =
                    tf.modules.iter().find(|(m, _, _)| crate::terraform::check::is_registry_module(res.block, m))
                else {
                    continue;
                };
                self.judge_tf(ctx, res, res.config(), &[(input, false)], input, absent_insecure);
            } else {
                let path = steps(tf.path);
                self.judge_tf(ctx, res, res.config(), &path, tf.path, self.absent.is_some());
            }
        }
    }

    /// Judges the rest of the path `rest` below `config`.
    fn judge_tf(
        &self,
        ctx: &mut TfContext,
        res: Resource,
        config: Config,
        rest: &[(&str, bool)],
        path: &str,
        absent_insecure: bool,
    ) {
        let [(name, optional), more @ ..] = rest else { return };
        if !more.is_empty() {
            let nested = ctx.nested(config, name);
            if nested.is_empty() {
                if !optional && absent_insecure {
                    self.report_absent_tf(ctx, res, config, rest, path);
                }
                return;
            }
            for n in nested {
                // (A dynamic block's content is judged like a block: its values through the iterator are unknown.)
                self.judge_tf(ctx, res, n, more, path, absent_insecure);
            }
            return;
        }
        let Some(field) = config.attr(name) else {
            if absent_insecure {
                self.report_absent_tf(ctx, res, config, rest, path);
            }
            return;
        };
        let value = ctx.value(field);
        let address = res.address();
        match value {
            Value::Unknown => {}
            Value::Null => {
                if absent_insecure {
                    let Some((v, placeholder)) = fix_value(self.want, &Value::Null) else { return };
                    let fix = self.fix_for(Edit { range: field.expr.range, text: hcl_text(&v) }, placeholder);
                    let why = self.absent.unwrap_or("the default applies");
                    let message = format!(
                        "`{address}` sets `{}` to null ({}), so it is not set: {why}",
                        shown(path),
                        null_origin(field)
                    );
                    ctx.report_with_fix(res, field.range, message, fix);
                }
            }
            v => {
                if judge(self.want, &v) != Some(false) {
                    return;
                }
                let message = format!("`{address}` sets `{} = {}`: {}", shown(path), value_text(&v), self.insecure);
                let finding = ctx.report(res, field.range, message);
                if let Some((fixed, placeholder)) = fix_value(self.want, &v) {
                    let edit = Edit { range: field.expr.range, text: hcl_text(&fixed) };
                    finding.fixes.push(self.fix_for(edit, placeholder));
                }
            }
        }
    }

    /// Reports the setting absent below `config` (whose rest of path is `rest`), with a fix writing it.
    fn report_absent_tf(&self, ctx: &mut TfContext, res: Resource, config: Config, rest: &[(&str, bool)], path: &str) {
        let message = format!("`{}` does not set `{}`: {}", res.address(), shown(path), self.absent.unwrap_or(""));
        let range = config.header();
        let file = ctx.file(res);
        let fix = match (config.block(), fix_value(self.want, &Value::Null)) {
            (Some(block), Some((v, placeholder))) => {
                // The missing blocks and the attribute, nested.
                let names: Vec<&str> = rest.iter().map(|(n, _)| *n).collect();
                let (attr, blocks) = names.split_last().expect("a path has an attribute");
                let mut text = format!("{attr} = {}", hcl_text(&v));
                for b in blocks.iter().rev() {
                    let inner: String = text.lines().map(|l| format!("  {l}\n")).collect();
                    text = format!("{b} {{\n{inner}}}");
                }
                Some(self.fix_for(edit::insert_in_block(file, block, &text), placeholder))
            }
            _ => None,
        };
        let finding = ctx.report(res, range, message);
        finding.fixes.extend(fix);
    }

    // ---- CloudFormation

    fn check_cfn(&self, ctx: &mut CfnContext, cfn: &Cfn) {
        let mut subjects = Vec::new();
        for ty in cfn.types {
            subjects.extend(ctx.resources(ty));
        }
        let path = steps(cfn.path);
        for res in subjects {
            if cfn.applies.is_some_and(|applies| !applies(ctx, res)) {
                continue;
            }
            match res.properties {
                Some(props) if matches!(props.kind, NodeKind::Map(_)) => {
                    self.judge_cfn(ctx, res, props, &path, cfn.path)
                }
                Some(_) => {} // `Properties: !If [...]` and the like: unknown.
                None => {
                    if self.absent.is_some() {
                        self.report_absent_cfn(ctx, res, None, &path, cfn.path);
                    }
                }
            }
        }
    }

    fn judge_cfn(&self, ctx: &mut CfnContext, res: CfnResource, map: &Node, rest: &[(&str, bool)], path: &str) {
        let [(name, optional), more @ ..] = rest else { return };
        let child = map.get(name).filter(|n| !is_no_value(n));
        let Some(child) = child else {
            if !optional && self.absent.is_some() {
                self.report_absent_cfn(ctx, res, Some(map), rest, path);
            }
            return;
        };
        if !more.is_empty() {
            match &child.kind {
                NodeKind::Map(_) if child.intrinsic().is_none() => self.judge_cfn(ctx, res, child, more, path),
                NodeKind::List(items) => {
                    for item in items {
                        if matches!(item.kind, NodeKind::Map(_)) && item.intrinsic().is_none() {
                            self.judge_cfn(ctx, res, item, more, path);
                        }
                    }
                }
                _ => {} // An intrinsic (`!If`, `!Ref`): unknown.
            }
            return;
        }
        let value = ctx.eval(child);
        let range = map.entry(name).map_or(child.range, |e| e.range);
        match value {
            Value::Unknown => {}
            Value::Null => {
                if self.absent.is_some() {
                    self.report_absent_cfn(ctx, res, Some(map), rest, path);
                }
            }
            v => {
                if judge(self.want, &v) != Some(false) {
                    return;
                }
                let message =
                    format!("`{}` sets `{} = {}`: {}", res.logical_id, shown(path), value_text(&v), self.insecure);
                let fix = fix_value(self.want, &v).map(|(fixed, placeholder)| {
                    self.fix_for(cfn_edit::replace_value(ctx.template, child, &fixed), placeholder)
                });
                ctx.report(res, range, message).fixes.extend(fix);
            }
        }
    }

    fn report_absent_cfn(
        &self,
        ctx: &mut CfnContext,
        res: CfnResource,
        map: Option<&Node>,
        rest: &[(&str, bool)],
        path: &str,
    ) {
        let message = format!("`{}` does not set `{}`: {}", res.logical_id, shown(path), self.absent.unwrap_or(""));
        // At the deepest map the path reaches, or the logical id when that is `Properties` (or there is none).
        let range = match map {
            Some(m) if res.properties.is_some_and(|p| !std::ptr::eq(m, p)) => m.range,
            _ => ctx.header(res),
        };
        let fix = fix_value(self.want, &Value::Null).map(|(v, placeholder)| {
            let names: Vec<&str> = rest.iter().map(|(n, _)| *n).collect();
            let (first, deeper) = names.split_first().expect("a path has a property");
            let mut value = v;
            for key in deeper.iter().rev() {
                value = json!({ *key: value });
            }
            let edit = match map {
                Some(m) => cfn_edit::set_key(ctx.template, m, first, &value),
                None => cfn_edit::set_property(ctx.template, res, first, &value),
            };
            self.fix_for(edit, placeholder)
        });
        ctx.report(res, range, message).fixes.extend(fix);
    }

    // ---- Documentation

    fn want_text(&self, path: &str) -> String {
        let list = |v: &[&str]| v.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
        match self.want {
            Want::Bool(b) => format!("`{path}` is not `{b}`"),
            Want::OneOf(ok) => format!("`{path}` is not one of {}", list(ok)),
            Want::NoneOf { insecure, .. } => format!("`{path}` is {}", list(insecure)),
            Want::AtLeast(n) => format!("`{path}` is below {}", format_number(n)),
            Want::AtMost(n) => format!("`{path}` is 0 or above {}", format_number(n)),
            Want::Present { .. } => format!("`{path}` is empty"),
            Want::Kms => format!("`{path}` names an AWS-managed key (`alias/aws/...`)"),
            Want::Contains(all) => format!("`{path}` lacks any of {}", list(all)),
            Want::NumberNot { insecure, .. } => format!("`{path}` is {}", format_number(insecure)),
        }
    }

    fn what(&self) -> String {
        let mut parts = Vec::new();
        let absent = if self.absent.is_some() { " or does not set it" } else { "" };
        if let Some(tf) = &self.terraform {
            let types = tf.types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
            parts.push(format!("Flags {types} whose {}{absent}", self.want_text(&shown(tf.path))));
        }
        if let Some(cfn) = &self.cloudformation {
            let types = cfn.types.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ");
            let lead = if parts.is_empty() { "Flags" } else { "in CloudFormation," };
            parts.push(format!("{lead} {types} whose {}{absent}", self.want_text(&shown(cfn.path))));
        }
        let mut what = parts.join("; ");
        what.push('.');
        if let Some(why) = self.absent {
            what.push_str(&format!(" Left out, {why}."));
        }
        what
    }

    fn fix_text(&self, path: &str) -> String {
        match self.want {
            Want::Bool(b) => format!("Set `{path}` to `{b}`."),
            Want::OneOf(ok) => format!("Set `{path}` to `{}`.", ok[0]),
            Want::NoneOf { fix, .. } => format!("Set `{path}` to `{fix}`."),
            Want::AtLeast(n) => format!("Set `{path}` to {} or more.", format_number(n)),
            Want::AtMost(n) => format!("Set `{path}` to {} or less.", format_number(n)),
            Want::Present { .. } => format!("Set `{path}`."),
            Want::Kms => format!("Set `{path}` to a customer-managed KMS key whose policy lets the service use it."),
            Want::Contains(all) => format!("Include {} in `{path}`.", all.join(", ")),
            Want::NumberNot { fix, .. } => format!("Set `{path}` to {}.", format_number(fix)),
        }
    }
}

/// `!Ref AWS::NoValue`: the property is left out.
fn is_no_value(node: &Node) -> bool {
    matches!(node.intrinsic(), Some(("Ref", arg)) if arg.as_str() == Some("AWS::NoValue"))
}

impl Matcher for Setting {
    fn terraform_types(&self) -> &'static [&'static str] {
        self.terraform.as_ref().map_or(&[], |tf| tf.types)
    }
    fn cloudformation_types(&self) -> &'static [&'static str] {
        self.cloudformation.as_ref().map_or(&[], |cfn| cfn.types)
    }
    fn has_terraform(&self) -> bool {
        self.terraform.is_some()
    }
    fn has_cloudformation(&self) -> bool {
        self.cloudformation.is_some()
    }
    fn check_terraform(&self, ctx: &mut TfContext) {
        if let Some(tf) = &self.terraform {
            self.check_tf(ctx, tf);
        }
    }
    fn check_cloudformation(&self, ctx: &mut CfnContext) {
        if let Some(cfn) = &self.cloudformation {
            self.check_cfn(ctx, cfn);
        }
    }
    fn has_fix(&self) -> bool {
        true
    }
    fn docs(&self) -> Docs {
        let path =
            self.terraform.as_ref().map(|tf| tf.path).or(self.cloudformation.as_ref().map(|c| c.path)).unwrap_or("");
        let mut fix = if self.fix.is_empty() { self.fix_text(&shown(path)) } else { self.fix.to_string() };
        if let (Some(_), Some(cfn), true) = (&self.terraform, &self.cloudformation, self.fix.is_empty()) {
            fix.push_str(&format!(" In CloudFormation: `{}`.", shown(cfn.path)));
        }
        Docs {
            what: self.what().into(),
            fix: fix.into(),
            terraform: self.terraform.as_ref().map(|tf| (tf.example.into(), tf.fixed.into())),
            cloudformation: self.cloudformation.as_ref().map(|cfn| (cfn.example.into(), cfn.fixed.into())),
        }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, lines, run, run_cfn};
    use crate::responsibility::Row;
    use crate::rule::{Equivalents, Related, Rule, Severity};

    /// A rule through nested blocks and lists, with an optional step: custom origins must use HTTPS.
    static NESTED: Rule = Rule {
        id: "test-nested",
        title: "test",
        severity: Severity::Low,
        row: Row::NetworkSecurity,
        service: "CloudFront",
        why: "test",
        aws_side: "test",
        equivalents: Equivalents::NONE,
        related: Related::NONE,
        matcher: &Setting {
            terraform: Some(Tf {
                types: &["aws_cloudfront_distribution"],
                path: "origin.custom_origin_config?.origin_protocol_policy",
                ..Tf::DEFAULT
            }),
            cloudformation: Some(Cfn {
                types: &["AWS::CloudFront::Distribution"],
                path: "DistributionConfig.Origins.CustomOriginConfig?.OriginProtocolPolicy",
                ..Cfn::DEFAULT
            }),
            want: Want::OneOf(&["https-only"]),
            absent: Some("test"),
            insecure: "plain HTTP to the origin",
            ..Setting::DEFAULT
        },
    };

    #[test]
    fn nested_blocks_lists_and_optional_steps() {
        let tf = r#"resource "aws_cloudfront_distribution" "d" {
  origin {
    domain_name = "s3"
  }
  origin {
    custom_origin_config {
      origin_protocol_policy = "http-only"
    }
  }
  origin {
    custom_origin_config {
      http_port = 80
    }
  }
  dynamic "origin" {
    for_each = var.origins
    content {
      custom_origin_config {
        origin_protocol_policy = origin.value.policy
      }
    }
  }
}
resource "aws_cloudfront_distribution" "object" {
  origin = [{ custom_origin_config = { origin_protocol_policy = "match-viewer" } }]
}
"#;
        // An S3 origin has no custom configuration: not judged; the unknown dynamic value: not judged.
        assert_eq!(lines(&NESTED, tf), [7, 11, 25]);
        let found = run(&NESTED, tf);
        let fixed = found[1].fixes[0].apply(tf);
        assert!(fixed.contains("http_port = 80\n      origin_protocol_policy = \"https-only\"\n"), "{fixed}");
        assert_eq!(found[0].fixes[0].apply(tf).matches("\"https-only\"").count(), 1);

        let yaml = "Resources:\n  D:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Origins:\n          - DomainName: s3\n          - CustomOriginConfig:\n              OriginProtocolPolicy: http-only\n          - CustomOriginConfig:\n              HTTPPort: 80\n          - CustomOriginConfig: !If [C, {}, {}]\n  E:\n    Type: AWS::CloudFront::Distribution\n    Properties: {}\n";
        assert_eq!(cfn_lines(&NESTED, yaml), [9, 11, 13]);
        let found = run_cfn(&NESTED, yaml);
        let fixed = found[1].fixes[0].apply(yaml);
        assert!(fixed.contains("HTTPPort: 80\n              OriginProtocolPolicy: https-only\n"), "{fixed}");
        let fixed = found[2].fixes[0].apply(yaml);
        assert!(run_cfn(&NESTED, &fixed).len() == 2, "{fixed}");
    }

    #[test]
    fn judging_values() {
        assert_eq!(judge(Want::Kms, &Value::String("alias/aws/s3".into())), Some(false));
        assert_eq!(judge(Want::Kms, &Value::String("arn:aws:kms:eu-west-1:1:alias/aws/rds".into())), Some(false));
        assert_eq!(judge(Want::Kms, &Value::String("arn:aws:kms:eu-west-1:1:key/abc".into())), Some(true));
        assert_eq!(judge(Want::AtMost(90.0), &Value::Number(0.0)), Some(false));
        assert_eq!(judge(Want::AtLeast(7.0), &Value::String("7".into())), Some(true));
        assert_eq!(judge(Want::Bool(true), &Value::String("false".into())), Some(false));
        let list = |v: &[&str]| Value::List(v.iter().map(|s| Value::String(s.to_string())).collect());
        assert_eq!(judge(Want::Contains(&["a", "b"]), &list(&["B", "a"])), Some(true));
        assert_eq!(judge(Want::Contains(&["a", "b"]), &list(&["a"])), Some(false));
        assert_eq!(judge(Want::Contains(&["a"]), &Value::List(vec![Value::Unknown])), None);
        assert_eq!(judge(Want::Present { placeholder: "x" }, &Value::String(" ".into())), Some(false));
        assert_eq!(judge(Want::OneOf(&["x"]), &Value::Unknown), None);
    }
}
