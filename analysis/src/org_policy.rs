//! Organisation policies: the rules an organisation writes in `.onus.toml` ([`crate::config::PolicyDef`]),
//! run beside the catalog's and reported like them, with their own id, severity and row.
//!
//! A policy becomes a [`Rule`] whose matcher reads the policy. Rules are `'static` (findings, hover and the
//! code lens hold them), so compiled policies are interned: a configuration that is read again (each edit of
//! `.onus.toml`) reuses the rules of the policies it already had, and only a changed policy is compiled anew.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Mutex;

use serde_json::{json, Value as Json};

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::{edit as cfn_edit, CfnResource};
use crate::config::{PolicyCheck, PolicyDef, ValueTest};
use crate::fix::{indent_unit, Fix};
use crate::kit::declared::hcl_text;
use crate::rule::{Docs, Equivalents, Matcher, Related, Rule, Rules};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit as tf_edit;
use crate::terraform::model::ExprKind;
use crate::terraform::view::Config as TfConfig;
use crate::value::Value;

/// `base` and the rules of `policies`, in that order.
pub fn with_policies(base: Rules, policies: &[PolicyDef]) -> Rules {
    if policies.is_empty() {
        return base;
    }
    static INTERNED: Mutex<Vec<(PolicyDef, &'static Rule)>> = Mutex::new(Vec::new());
    static SETS: Mutex<Vec<(Vec<usize>, &'static [&'static Rule])>> = Mutex::new(Vec::new());
    let mut interned = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
    let mut compiled: Vec<&'static Rule> = base.all().to_vec();
    for def in policies {
        let rule = match interned.iter().find(|(d, _)| d == def) {
            Some((_, rule)) => *rule,
            None => {
                let rule: &'static Rule = Box::leak(Box::new(compile(def)));
                interned.push((def.clone(), rule));
                rule
            }
        };
        compiled.push(rule);
    }
    drop(interned);
    // The slice of rules, interned too (by the rules' addresses).
    let key: Vec<usize> = compiled.iter().map(|r| *r as *const Rule as usize).collect();
    let mut sets = SETS.lock().unwrap_or_else(|e| e.into_inner());
    let all = match sets.iter().find(|(k, _)| *k == key) {
        Some((_, all)) => *all,
        None => {
            let all: &'static [&'static Rule] = Box::leak(compiled.into_boxed_slice());
            sets.push((key, all));
            all
        }
    };
    Rules::new(all).with_overlaps(base.overlaps())
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn compile(def: &PolicyDef) -> Rule {
    let matcher: &'static PolicyMatcher = Box::leak(Box::new(PolicyMatcher::new(def)));
    Rule {
        id: leak(def.id.clone()),
        title: leak(def.title.clone()),
        severity: def.severity,
        row: def.row,
        service: "organisation policy",
        why: leak(format!("The organisation's policy `{}` (in `.onus.toml`): {}.", def.id, def.title)),
        aws_side: "AWS applies whatever configuration it is given; the organisation's own policies are the customer's.",
        equivalents: Equivalents::NONE,
        related: Related::NONE,
        matcher,
    }
}

/// A resource type pattern, split by format: CloudFormation types have `::`.
fn is_cloudformation_pattern(p: &str) -> bool {
    p.contains("::") || p.starts_with("AWS")
}

pub struct PolicyMatcher {
    def: PolicyDef,
    globs: globset::GlobSet,
    pattern: Option<regex::Regex>,
    terraform_types: &'static [&'static str],
    cloudformation_types: &'static [&'static str],
    has_terraform: bool,
    has_cloudformation: bool,
}

impl PolicyMatcher {
    fn new(def: &PolicyDef) -> PolicyMatcher {
        let mut globs = globset::GlobSetBuilder::new();
        for p in &def.resources {
            // (Checked when the configuration was read.)
            if let Ok(g) = globset::Glob::new(p) {
                globs.add(g);
            }
        }
        let literal = |cfn: bool| -> &'static [&'static str] {
            let types: Vec<&'static str> = def
                .resources
                .iter()
                .filter(|p| is_cloudformation_pattern(p) == cfn && !p.contains(['*', '?', '[', '{']))
                .map(|p| leak(p.clone()))
                .collect();
            Box::leak(types.into_boxed_slice())
        };
        let any = |cfn: bool| {
            def.resources.is_empty()
                || def.resources.iter().any(|p| is_cloudformation_pattern(p) == cfn || p.starts_with('*'))
        };
        let (mut has_terraform, mut has_cloudformation) = (any(false), any(true));
        match &def.check {
            PolicyCheck::Attribute { terraform, cloudformation, .. } => {
                has_terraform &= terraform.is_some();
                has_cloudformation &= cloudformation.is_some();
            }
            // Provider blocks name regions whatever the resources.
            PolicyCheck::Regions(_) => has_terraform = true,
            PolicyCheck::RequiredTags(_) => {}
        }
        let pattern = match &def.check {
            PolicyCheck::Attribute { values: Some(ValueTest::Pattern(p)), .. } => {
                regex::Regex::new(&format!("^(?:{p})$")).ok()
            }
            _ => None,
        };
        PolicyMatcher {
            def: def.clone(),
            globs: globs.build().unwrap_or_else(|_| globset::GlobSet::empty()),
            pattern,
            terraform_types: literal(false),
            cloudformation_types: literal(true),
            has_terraform,
            has_cloudformation,
        }
    }

    fn applies_to(&self, ty: &str) -> bool {
        self.def.resources.is_empty() || self.globs.is_match(ty)
    }

    /// Whether a known value passes the policy's value test; `None` when it cannot be told.
    fn value_passes(&self, v: &Value) -> Option<bool> {
        let values = match &self.def.check {
            PolicyCheck::Attribute { values: Some(values), .. } => values,
            _ => return Some(true),
        };
        let items: Vec<&Value> = match v {
            Value::List(items) => items.iter().collect(),
            other => vec![other],
        };
        let mut ok = true;
        for item in items {
            let text = match item {
                Value::Map(_) | Value::List(_) => return None,
                other => other.to_text()?,
            };
            ok &= match values {
                ValueTest::Allowed(allowed) => allowed.iter().any(|a| a == &text),
                ValueTest::Forbidden(forbidden) => !forbidden.iter().any(|f| f == &text),
                ValueTest::Pattern(_) => self.pattern.as_ref()?.is_match(&text),
            };
        }
        Some(ok)
    }

    /// What the value must be, for a message.
    fn wanted(&self) -> String {
        match &self.def.check {
            PolicyCheck::Attribute { values: Some(ValueTest::Allowed(a)), .. } => format!("allowed: {}", a.join(", ")),
            PolicyCheck::Attribute { values: Some(ValueTest::Forbidden(f)), .. } => {
                format!("forbidden: {}", f.join(", "))
            }
            PolicyCheck::Attribute { values: Some(ValueTest::Pattern(p)), .. } => format!("must match `{p}`"),
            _ => String::new(),
        }
    }

    /// The first allowed value, which a fix writes.
    fn first_allowed(&self) -> Option<&str> {
        match &self.def.check {
            PolicyCheck::Attribute { values: Some(ValueTest::Allowed(a)), .. } => a.first().map(String::as_str),
            _ => None,
        }
    }

    fn id(&self) -> &str {
        &self.def.id
    }
}

/// A tag key as an HCL object key: bare when it is an identifier.
fn hcl_key(key: &str) -> String {
    let ident = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ident {
        key.to_string()
    } else {
        hcl_text(&json!(key))
    }
}

/// The value a tag fix writes: a placeholder for the person to fill in.
fn placeholder(key: &str) -> String {
    format!("<{}>", key.to_lowercase())
}

/// The text a fix writes for an allowed value, typed as the current value is (`true`, `3`, `"t3.micro"`).
fn typed_hcl(value: &str, current: Option<&Value>) -> String {
    match current {
        Some(Value::Bool(_)) if value == "true" || value == "false" => value.to_string(),
        Some(Value::Number(_)) if value.parse::<f64>().is_ok() => value.to_string(),
        _ => hcl_text(&json!(value)),
    }
}

fn typed_json(value: &str, current: Option<&Value>) -> Json {
    match current {
        Some(Value::Bool(_)) if value == "true" || value == "false" => json!(value == "true"),
        Some(Value::Number(_)) => value.parse::<f64>().map(|n| json!(n)).unwrap_or_else(|_| json!(value)),
        _ => json!(value),
    }
}

// ---- Terraform ----

impl PolicyMatcher {
    fn resources<'m>(&self, ctx: &TfContext<'_, 'm>) -> Vec<Resource<'m>> {
        ctx.blocks("resource").filter(|r| self.applies_to(r.ty())).collect()
    }

    fn tags_terraform(&self, ctx: &mut TfContext, required: &[String]) {
        for res in self.resources(ctx) {
            let own = match ctx.attr(res.block, "tags") {
                None => Some(BTreeSet::new()),
                Some((_, Value::Map(m))) => Some(m.keys().cloned().collect()),
                Some(_) => None,
            };
            let Some(own) = own else { continue };
            let Some(defaults) = default_tags(ctx, res) else { continue };
            let missing: Vec<&String> =
                required.iter().filter(|k| !own.contains(*k) && !defaults.contains(*k)).collect();
            if missing.is_empty() {
                continue;
            }
            let names: Vec<&str> = missing.iter().map(|k| k.as_str()).collect();
            let message = format!(
                "`{}` lacks the tag{} {} that the organisation's policy `{}` requires",
                res.address(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", "),
                self.id()
            );
            let range = ctx.attr(res.block, "tags").map_or(res.block.header, |(a, _)| a.range);
            let fix = tags_fix_terraform(ctx, res, &names);
            let finding = ctx.report(res, range, message);
            finding.fixes.extend(fix);
        }
    }

    fn attribute_terraform(&self, ctx: &mut TfContext, path: &str, required: bool) {
        let steps: Vec<&str> = path.split('.').collect();
        let (last, parents) = steps.split_last().expect("split gives one step at least");
        for res in self.resources(ctx) {
            let mut configs = vec![res.config()];
            for step in parents {
                configs = configs.into_iter().flat_map(|c| ctx.nested(c, step)).collect();
            }
            let fields: Vec<_> = configs.iter().filter_map(|c| ctx.field(*c, last)).collect();
            if fields.is_empty() {
                if required {
                    let message = format!(
                        "`{}` does not set `{path}`, which the organisation's policy `{}` requires{}",
                        res.address(),
                        self.id(),
                        if self.wanted().is_empty() { String::new() } else { format!(" ({})", self.wanted()) }
                    );
                    let fix = match (steps.len(), self.first_allowed()) {
                        (1, Some(value)) => Some(Fix::unsafe_(
                            format!("Set `{path}` to {value}"),
                            vec![tf_edit::set_attribute(ctx.file(res), res.block, path, &typed_hcl(value, None))],
                        )),
                        _ => None,
                    };
                    let finding = ctx.report(res, res.block.header, message);
                    finding.fixes.extend(fix);
                }
                continue;
            }
            for (field, value) in fields {
                if self.value_passes(&value) != Some(false) {
                    continue;
                }
                let shown = value.to_text().map_or_else(|| "a value".to_string(), |t| format!("`{t}`"));
                let message = format!(
                    "`{}` sets `{path}` to {shown}, against the organisation's policy `{}` ({})",
                    res.address(),
                    self.id(),
                    self.wanted()
                );
                let fix = self.first_allowed().filter(|_| !matches!(value, Value::List(_))).map(|allowed| {
                    let edit = crate::fix::Edit { range: field.expr.range, text: typed_hcl(allowed, Some(&value)) };
                    Fix::unsafe_(format!("Set `{path}` to {allowed}"), vec![edit])
                });
                let finding = ctx.report(res, field.range, message);
                finding.fixes.extend(fix);
            }
        }
    }

    fn regions_terraform(&self, ctx: &mut TfContext, allowed: &[String]) {
        let providers: Vec<Resource> = ctx.blocks("provider").filter(|p| p.block.label(0) == Some("aws")).collect();
        for provider in providers {
            if let Some((attr, Value::String(region))) = ctx.attr(provider.block, "region") {
                if !allowed.contains(&region) {
                    let alias = ctx.attr(provider.block, "alias").and_then(|(_, v)| v.as_str().map(str::to_string));
                    let name =
                        alias.map_or("provider \"aws\"".to_string(), |a| format!("provider \"aws\" (alias {a})"));
                    let message = self.region_message(&name, &region, allowed);
                    ctx.report(provider, attr.range, message);
                }
            }
        }
        for res in self.resources(ctx) {
            let mut found = Vec::new();
            region_fields(ctx, TfConfig::Block(res.block), &mut found);
            for (range, region) in found {
                if !allowed.contains(&region) {
                    let message = self.region_message(&format!("`{}`", res.address()), &region, allowed);
                    ctx.report(res, range, message);
                }
            }
        }
    }

    fn region_message(&self, what: &str, region: &str, allowed: &[String]) -> String {
        format!(
            "{what} is in region `{region}`, outside the regions the organisation's policy `{}` allows ({})",
            self.id(),
            allowed.join(", ")
        )
    }
}

/// Attribute names that name a region.
const REGION_ATTRIBUTES: &[&str] = &["region", "region_name", "regions", "destination_region", "source_region"];

/// The regions a configuration names, through its nested blocks: `(range, region)`.
fn region_fields<'m>(ctx: &TfContext<'_, 'm>, config: TfConfig<'m>, out: &mut Vec<(crate::text::TextRange, String)>) {
    for name in REGION_ATTRIBUTES {
        if let Some((field, value)) = ctx.field(config, name) {
            for v in value.one_or_many() {
                if let Value::String(s) = v {
                    out.push((field.range, s.clone()));
                }
            }
        }
    }
    if let TfConfig::Block(block) = config {
        for child in &block.blocks {
            let name = if child.kind == "dynamic" { child.label(0).unwrap_or("") } else { child.kind.as_str() };
            if matches!(name, "lifecycle" | "timeouts" | "provisioner" | "connection" | "") {
                continue;
            }
            for nested in ctx.nested(TfConfig::Block(block), name) {
                if let TfConfig::Block(b) = nested {
                    if std::ptr::eq(b, child) || child.kind == "dynamic" {
                        region_fields(ctx, nested, out);
                    }
                }
            }
        }
    }
}

/// The tag keys the provider of `res` adds (`default_tags`); `None` when they cannot be known.
fn default_tags(ctx: &TfContext, res: Resource) -> Option<BTreeSet<String>> {
    let alias = match res.block.attr("provider").map(|a| &a.expr.kind) {
        None => None,
        Some(ExprKind::Traversal(root, steps)) if root == "aws" => match steps.first() {
            Some(crate::terraform::model::Step::Attr(a)) => Some(a.clone()),
            _ => return None,
        },
        Some(_) => return None,
    };
    let mut out = BTreeSet::new();
    for provider in ctx.all_blocks("provider").filter(|p| p.block.label(0) == Some("aws")) {
        let its_alias = ctx.attr(provider.block, "alias").and_then(|(_, v)| v.as_str().map(str::to_string));
        if its_alias != alias {
            continue;
        }
        for defaults in ctx.blocks_of(provider.block, "default_tags") {
            match ctx.attr(defaults, "tags") {
                None => {}
                Some((_, Value::Map(m))) => out.extend(m.keys().cloned()),
                Some(_) => return None,
            }
        }
    }
    Some(out)
}

/// Inserts the missing tags, with placeholders, into the resource's `tags` (needs review: the values are to be
/// filled in). `None` when `tags` is written in a way an edit cannot extend (a variable, a function).
fn tags_fix_terraform(ctx: &TfContext, res: Resource, missing: &[&str]) -> Option<Fix> {
    let file = ctx.file(res);
    let src = &file.source;
    let entries: Vec<(String, String)> =
        missing.iter().map(|k| (hcl_key(k), hcl_text(&json!(placeholder(k))))).collect();
    let title = format!("Add the tag{} {}", if missing.len() == 1 { "" } else { "s" }, missing.join(", "));
    let edit = match res.block.attr("tags") {
        None => {
            let unit = indent_unit(src);
            let width = entries.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            let lines: Vec<String> = entries.iter().map(|(k, v)| format!("{unit}{k:width$} = {v}")).collect();
            tf_edit::insert_in_block(file, res.block, &format!("tags = {{\n{}\n}}", lines.join("\n")))
        }
        Some(attr) => {
            // `tags = {...}`, or `merge(..., {...})` ending in an object: the object gets the new entries.
            let object = match &attr.expr.kind {
                ExprKind::Object(_) => &attr.expr,
                ExprKind::Call(name, args) if name == "merge" => {
                    args.last().filter(|a| matches!(a.kind, ExprKind::Object(_)))?
                }
                _ => return None,
            };
            object_insert(src, object, &entries)?
        }
    };
    Some(Fix::unsafe_(title, vec![edit]))
}

/// An edit adding `entries` to an HCL object expression, in its layout (one entry per line, or one line).
fn object_insert(
    src: &str,
    object: &crate::terraform::model::Expr,
    entries: &[(String, String)],
) -> Option<crate::fix::Edit> {
    let ExprKind::Object(elems) = &object.kind else { return None };
    let range = object.range;
    let close = range.end.checked_sub(1).filter(|c| src.as_bytes().get(*c) == Some(&b'}'))?;
    let eol = crate::fix::line_ending(src);
    let multiline = src[range.start..range.end].contains('\n');
    let text = if multiline {
        let indent = match elems.first() {
            Some((k, _)) => crate::fix::indentation_at(src, k.range.start).to_string(),
            None => format!("{}{}", crate::fix::indentation_at(src, range.start), indent_unit(src)),
        };
        // New keys are padded to the existing entries' column (the existing ones are not realigned).
        let width = elems
            .iter()
            .filter_map(|(k, v)| {
                let eq = src.get(k.range.end..v.range.start)?.find('=')?;
                Some((k.range.end + eq - k.range.start).saturating_sub(1))
            })
            .max()
            .unwrap_or(0);
        let close_line = crate::fix::line_start(src, close);
        if src[close_line..close].trim().is_empty() {
            let body: String = entries.iter().map(|(k, v)| format!("{indent}{k:width$} = {v}{eol}")).collect();
            return Some(crate::fix::Edit { range: crate::text::TextRange::empty(close_line), text: body });
        }
        entries.iter().map(|(k, v)| format!("{eol}{indent}{k} = {v}")).collect::<String>()
    } else {
        let sep = if elems.is_empty() { " " } else { ", " };
        let body: Vec<String> = entries.iter().map(|(k, v)| format!("{k} = {v}")).collect();
        // Before the `}` and the spaces in front of it: `{ a = 1 }` becomes `{ a = 1, b = 2 }`.
        let mut at = close;
        while at > range.start + 1 && src.as_bytes()[at - 1] == b' ' {
            at -= 1;
        }
        let trailing = if elems.is_empty() { " " } else { &src[at..close] };
        let lead = if elems.is_empty() { "" } else { sep };
        let text = format!("{lead}{}{trailing}", body.join(", "));
        let text = if elems.is_empty() { format!("{sep}{}", text.trim_start()) } else { text };
        return Some(crate::fix::Edit { range: crate::text::TextRange::new(at, close), text });
    };
    Some(crate::fix::Edit { range: crate::text::TextRange::empty(close), text: format!("{text}{eol}") })
}

// ---- CloudFormation ----

impl PolicyMatcher {
    fn cfn_resources<'t>(&self, ctx: &CfnContext<'_, 't>) -> Vec<CfnResource<'t>> {
        ctx.template.resources().filter(|r| self.applies_to(r.ty)).collect()
    }

    fn tags_cloudformation(&self, ctx: &mut CfnContext, required: &[String]) {
        for res in self.cfn_resources(ctx) {
            let tags = ctx.prop(res, "Tags");
            let own: BTreeSet<String> = match &tags {
                None => BTreeSet::new(),
                Some((_, Value::List(items))) => {
                    let keys: Option<BTreeSet<String>> =
                        items.iter().map(|i| i.get("Key").as_str().map(str::to_string)).collect();
                    match keys {
                        Some(keys) => keys,
                        None => continue,
                    }
                }
                // SAM functions and a few others take a map.
                Some((_, Value::Map(m))) => m.keys().cloned().collect(),
                Some(_) => continue,
            };
            let missing: Vec<&str> = required.iter().filter(|k| !own.contains(*k)).map(String::as_str).collect();
            if missing.is_empty() {
                continue;
            }
            let message = format!(
                "`{}` lacks the tag{} {} that the organisation's policy `{}` requires",
                res.logical_id,
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", "),
                self.id()
            );
            let range = ctx.prop_range(res, "Tags").unwrap_or_else(|| ctx.header(res));
            let fix = tags_fix_cloudformation(ctx, res, tags.as_ref(), &missing);
            let finding = ctx.report(res, range, message);
            finding.fixes.extend(fix);
        }
    }

    fn attribute_cloudformation(&self, ctx: &mut CfnContext, path: &str, required: bool) {
        for res in self.cfn_resources(ctx) {
            match ctx.prop(res, path) {
                None | Some((_, Value::Null)) => {
                    if !required {
                        continue;
                    }
                    let message = format!(
                        "`{}` does not set `{path}`, which the organisation's policy `{}` requires{}",
                        res.logical_id,
                        self.id(),
                        if self.wanted().is_empty() { String::new() } else { format!(" ({})", self.wanted()) }
                    );
                    let fix = match (path.contains('.'), self.first_allowed()) {
                        (false, Some(value)) => Some(Fix::unsafe_(
                            format!("Set `{path}` to {value}"),
                            vec![cfn_edit::set_property(ctx.template, res, path, &json!(value))],
                        )),
                        _ => None,
                    };
                    let at = ctx.header(res);
                    ctx.report(res, at, message).fixes.extend(fix);
                }
                Some((node, value)) => {
                    if self.value_passes(&value) != Some(false) {
                        continue;
                    }
                    let shown = value.to_text().map_or_else(|| "a value".to_string(), |t| format!("`{t}`"));
                    let message = format!(
                        "`{}` sets `{path}` to {shown}, against the organisation's policy `{}` ({})",
                        res.logical_id,
                        self.id(),
                        self.wanted()
                    );
                    let fix = self.first_allowed().filter(|_| !matches!(value, Value::List(_))).map(|allowed| {
                        let edit = cfn_edit::replace_value(ctx.template, node, &typed_json(allowed, Some(&value)));
                        Fix::unsafe_(format!("Set `{path}` to {allowed}"), vec![edit])
                    });
                    let range = ctx.prop_range(res, path).unwrap_or(node.range);
                    ctx.report(res, range, message).fixes.extend(fix);
                }
            }
        }
    }

    fn regions_cloudformation(&self, ctx: &mut CfnContext, allowed: &[String]) {
        for res in self.cfn_resources(ctx) {
            let Some(props) = res.properties else { continue };
            let mut found = Vec::new();
            cfn_region_fields(ctx, props, 0, &mut found);
            for (range, region) in found {
                if !allowed.contains(&region) {
                    let message = self.region_message(&format!("`{}`", res.logical_id), &region, allowed);
                    ctx.report(res, range, message);
                }
            }
        }
    }
}

/// Property names that name a region.
const CFN_REGION_PROPERTIES: &[&str] = &["Region", "RegionName", "Regions", "DestinationRegion", "SourceRegion"];

fn cfn_region_fields(ctx: &CfnContext, node: &Node, depth: usize, out: &mut Vec<(crate::text::TextRange, String)>) {
    if depth > 16 {
        return;
    }
    for entry in node.entries() {
        if CFN_REGION_PROPERTIES.contains(&entry.key.as_str()) {
            for v in ctx.eval(&entry.value).one_or_many() {
                if let Value::String(s) = v {
                    out.push((entry.range, s.clone()));
                }
            }
        } else {
            cfn_region_fields(ctx, &entry.value, depth + 1, out);
        }
    }
    for item in node.items() {
        cfn_region_fields(ctx, item, depth + 1, out);
    }
}

/// Writes the missing tags with placeholders (needs review): a `Tags` list gets them appended (when every tag
/// in it is known), a resource without `Tags` gets one.
fn tags_fix_cloudformation(
    ctx: &CfnContext,
    res: CfnResource,
    tags: Option<&(&Node, Value)>,
    missing: &[&str],
) -> Option<Fix> {
    let title = format!("Add the tag{} {}", if missing.len() == 1 { "" } else { "s" }, missing.join(", "));
    let new = missing.iter().map(|k| json!({"Key": k, "Value": placeholder(k)}));
    let edit = match tags {
        None => cfn_edit::set_property(ctx.template, res, "Tags", &Json::Array(new.collect())),
        Some((node, Value::List(items))) => {
            let mut all: Vec<Json> = items.iter().map(Value::to_json).collect::<Option<_>>()?;
            all.extend(new);
            cfn_edit::replace_value(ctx.template, node, &Json::Array(all))
        }
        Some((node, Value::Map(map))) => {
            let mut all: serde_json::Map<String, Json> =
                map.iter().map(|(k, v)| v.to_json().map(|v| (k.clone(), v))).collect::<Option<_>>()?;
            for k in missing {
                all.insert(k.to_string(), json!(placeholder(k)));
            }
            cfn_edit::replace_value(ctx.template, node, &Json::Object(all))
        }
        Some(_) => return None,
    };
    Some(Fix::unsafe_(title, vec![edit]))
}

impl Matcher for PolicyMatcher {
    fn terraform_types(&self) -> &'static [&'static str] {
        self.terraform_types
    }
    fn cloudformation_types(&self) -> &'static [&'static str] {
        self.cloudformation_types
    }
    fn inspects(&self, ty: &str) -> bool {
        self.applies_to(ty)
    }
    fn has_terraform(&self) -> bool {
        self.has_terraform
    }
    fn has_cloudformation(&self) -> bool {
        self.has_cloudformation
    }
    fn check_terraform(&self, ctx: &mut TfContext) {
        match &self.def.check {
            PolicyCheck::RequiredTags(tags) => self.tags_terraform(ctx, tags),
            PolicyCheck::Attribute { terraform: Some(path), required, .. } => {
                self.attribute_terraform(ctx, path, *required)
            }
            PolicyCheck::Attribute { .. } => {}
            PolicyCheck::Regions(allowed) => self.regions_terraform(ctx, allowed),
        }
    }
    fn check_cloudformation(&self, ctx: &mut CfnContext) {
        match &self.def.check {
            PolicyCheck::RequiredTags(tags) => self.tags_cloudformation(ctx, tags),
            PolicyCheck::Attribute { cloudformation: Some(path), required, .. } => {
                self.attribute_cloudformation(ctx, path, *required)
            }
            PolicyCheck::Attribute { .. } => {}
            PolicyCheck::Regions(allowed) => self.regions_cloudformation(ctx, allowed),
        }
    }
    fn has_fix(&self) -> bool {
        !matches!(self.def.check, PolicyCheck::Regions(_))
    }
    fn docs(&self) -> Docs {
        let resources =
            if self.def.resources.is_empty() { "every resource".to_string() } else { self.def.resources.join(", ") };
        let (what, fix) = match &self.def.check {
            PolicyCheck::RequiredTags(tags) => (
                format!(
                    "Flags resources ({resources}) that lack any of the tags {} (the provider's `default_tags` count).",
                    tags.join(", ")
                ),
                "Add the tags; the quick-fix inserts them with placeholder values to fill in.".to_string(),
            ),
            PolicyCheck::Attribute { terraform, cloudformation, required, .. } => {
                let name = [terraform.as_deref(), cloudformation.as_deref()].into_iter().flatten().collect::<Vec<_>>();
                let mut what = format!("Checks `{}` of {resources}", name.join("` / `"));
                if *required {
                    what.push_str(": it must be set");
                }
                if !self.wanted().is_empty() {
                    what.push_str(&format!(" ({})", self.wanted()));
                }
                what.push('.');
                (what, "Set the value the policy asks for.".to_string())
            }
            PolicyCheck::Regions(allowed) => (
                format!("Flags providers and resources that name a region other than {}.", allowed.join(", ")),
                "Use one of the allowed regions.".to_string(),
            ),
        };
        Docs { what: Cow::Owned(what), fix: Cow::Owned(fix), terraform: None, cloudformation: None }
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn is_organisation_policy(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::workspace::{Diagnostic, Workspace};

    /// A workspace running only the policies of `toml` (the catalog's rules off, so the tests see the policies).
    fn workspace(toml: &str) -> Workspace {
        let (mut config, errors) = Config::parse(toml, "/w", crate::catalog::rules());
        assert!(errors.is_empty(), "{errors:?}");
        config.disabled = crate::catalog::all().iter().map(|r| r.id.to_string()).collect();
        let mut ws = Workspace::new(crate::catalog::rules());
        ws.set_rules(with_policies(crate::catalog::rules(), &config.policies));
        ws.set_config(config);
        ws
    }

    fn lines(ws: &mut Workspace, path: &str, text: &str) -> Vec<(usize, &'static str)> {
        ws.open(path, text, 1);
        let diags = ws.diagnostics(path);
        diags.iter().map(|d| (text[..d.range.start].matches('\n').count() + 1, d.code)).collect()
    }

    /// Applies the first fix of each diagnostic of `code`, one at a time, and returns the text.
    fn fixed(ws: &mut Workspace, path: &str, text: &str, code: &str) -> String {
        let mut text = text.to_string();
        for version in 2..20 {
            ws.open(path, &text, version);
            let Some(fix) = ws
                .diagnostics(path)
                .into_iter()
                .find(|d| d.code == code)
                .and_then(|d: Diagnostic| d.fixes.first().cloned())
            else {
                return text;
            };
            text = fix.apply(&text);
        }
        panic!("fixes do not converge");
    }

    const TAGS: &str = r#"
[[policy]]
id = "acme-required-tags"
severity = "high"
resources = ["aws_s3_bucket", "aws_db_*", "AWS::S3::Bucket"]
required_tags = ["Owner", "CostCenter"]
"#;

    #[test]
    fn required_tags_in_terraform_honour_default_tags_and_the_fix_clears_them() {
        let mut ws = workspace(TAGS);
        let tf = r#"provider "aws" {
  default_tags {
    tags = { CostCenter = "42" }
  }
}

resource "aws_s3_bucket" "bare" {
  bucket = "bare"
}

resource "aws_s3_bucket" "partial" {
  tags = { Name = "x" }
}

resource "aws_s3_bucket" "multi" {
  tags = {
    Name  = "x"
    Owner = "me"
  }
}

resource "aws_db_instance" "db" {
  tags = var.tags
}

resource "aws_sqs_queue" "q" {
}
"#;
        assert_eq!(lines(&mut ws, "/w/main.tf", tf), [(7, "acme-required-tags"), (12, "acme-required-tags")]);
        let d = ws.diagnostics("/w/main.tf");
        assert_eq!(d[0].severity, crate::rule::Severity::High);
        assert!(d[0].message.contains("lacks the tag Owner"), "{}", d[0].message);
        let after = fixed(&mut ws, "/w/main.tf", tf, "acme-required-tags");
        assert!(after.contains("resource \"aws_s3_bucket\" \"bare\" {\n  bucket = \"bare\"\n  tags = {\n    Owner = \"<owner>\"\n  }\n}"), "{after}");
        assert!(after.contains("tags = { Name = \"x\", Owner = \"<owner>\" }"), "{after}");
        assert!(lines(&mut ws, "/w/main.tf", &after).is_empty());
        // In another module, without the provider's default tags, both are missing; a multi-line map gets lines.
        let no_defaults = "resource \"aws_s3_bucket\" \"multi\" {\n  tags = {\n    Name   = \"x\"\n  }\n}\n";
        let after = fixed(&mut ws, "/w/other/b.tf", no_defaults, "acme-required-tags");
        assert_eq!(after, "resource \"aws_s3_bucket\" \"multi\" {\n  tags = {\n    Name   = \"x\"\n    Owner  = \"<owner>\"\n    CostCenter = \"<costcenter>\"\n  }\n}\n");
    }

    #[test]
    fn required_tags_in_templates() {
        let mut ws = workspace(TAGS);
        let yaml = "Resources:\n  Bare:\n    Type: AWS::S3::Bucket\n  Tagged:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags:\n        - Key: Owner\n          Value: me\n  Done:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags:\n        - Key: Owner\n          Value: me\n        - Key: CostCenter\n          Value: '42'\n  Queue:\n    Type: AWS::SQS::Queue\n";
        assert_eq!(lines(&mut ws, "/w/t.yaml", yaml), [(2, "acme-required-tags"), (7, "acme-required-tags")]);
        let after = fixed(&mut ws, "/w/t.yaml", yaml, "acme-required-tags");
        assert!(lines(&mut ws, "/w/t.yaml", &after).is_empty(), "{after}");
        assert!(after.contains("Key: CostCenter"), "{after}");
    }

    #[test]
    fn attributes_allowed_forbidden_pattern_and_required() {
        let toml = r#"
[[policy]]
id = "acme-instance-types"
resources = ["aws_instance", "AWS::EC2::Instance"]
attribute = "instance_type"
property = "InstanceType"
allowed = ["t3.micro", "t3.small"]

[[policy]]
id = "acme-bucket-logs"
resources = ["aws_s3_bucket"]
attribute = "logging.target_bucket"
required = true
pattern = "acme-logs-.*"
"#;
        let mut ws = workspace(toml);
        let tf = r#"resource "aws_instance" "big" {
  instance_type = "m5.large"
}
resource "aws_instance" "small" {
  instance_type = "t3.small"
}
resource "aws_instance" "unknown" {
  instance_type = var.type
}
resource "aws_s3_bucket" "nolog" {
}
resource "aws_s3_bucket" "elsewhere" {
  logging {
    target_bucket = "other"
  }
}
resource "aws_s3_bucket" "ok" {
  logging {
    target_bucket = "acme-logs-1"
  }
}
"#;
        assert_eq!(
            lines(&mut ws, "/w/main.tf", tf),
            [(2, "acme-instance-types"), (10, "acme-bucket-logs"), (14, "acme-bucket-logs")]
        );
        let after = fixed(&mut ws, "/w/main.tf", tf, "acme-instance-types");
        assert!(after.contains("instance_type = \"t3.micro\""), "{after}");
        let yaml = "Resources:\n  Big:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: m5.large\n  Small:\n    Type: AWS::EC2::Instance\n    Properties:\n      InstanceType: t3.micro\n";
        assert_eq!(lines(&mut ws, "/w/t.yaml", yaml), [(5, "acme-instance-types")]);
        let after = fixed(&mut ws, "/w/t.yaml", yaml, "acme-instance-types");
        assert!(after.contains("InstanceType: t3.micro\n  Small"), "{after}");
    }

    #[test]
    fn regions_of_providers_and_resources() {
        let toml = "[[policy]]\nid = \"acme-regions\"\nallowed_regions = [\"eu-west-1\", \"eu-central-1\"]\n";
        let mut ws = workspace(toml);
        let tf = r#"provider "aws" {
  region = "eu-west-1"
}
provider "aws" {
  alias  = "us"
  region = "us-east-1"
}
resource "aws_dynamodb_table" "t" {
  replica {
    region_name = "ap-south-1"
  }
  replica {
    region_name = "eu-central-1"
  }
}
"#;
        assert_eq!(lines(&mut ws, "/w/main.tf", tf), [(6, "acme-regions"), (10, "acme-regions")]);
        assert!(ws.diagnostics("/w/main.tf")[0].message.contains("alias us"));
        let yaml = "Resources:\n  T:\n    Type: AWS::DynamoDB::GlobalTable\n    Properties:\n      Replicas:\n        - Region: eu-west-1\n        - Region: us-west-2\n";
        assert_eq!(lines(&mut ws, "/w/t.yaml", yaml), [(7, "acme-regions")]);
    }

    #[test]
    fn a_malformed_policy_is_located_and_the_others_work() {
        let toml = "[[policy]]\nid = \"good\"\nrequired_tags = [\"Owner\"]\n\n[[policy]]\nid = \"bad\"\nattribute = \"instance_type\"\nalowed = [\"t3.micro\"]\n\n[[policy]]\nid = \"s3-public-acl\"\nrequired_tags = [\"Owner\"]\n\n[[policy]]\nid = \"vague\"\nattribute = \"x\"\n\n[[policy]]\nid = \"rx\"\nattribute = \"x\"\npattern = \"(\"\n";
        let (config, errors) = Config::parse(toml, "/w", crate::catalog::rules());
        assert_eq!(config.policies.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(), ["good"]);
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(errors.len(), 4, "{messages:?}");
        assert!(messages[0].contains("alowed"), "{messages:?}");
        assert!(toml[errors[0].range.start..errors[0].range.end].contains("id = \"bad\""));
        assert!(messages[1].contains("an onus rule's"));
        assert!(messages[2].contains("say what the attribute must be"));
        assert!(messages[3].contains("bad pattern"));
        // `disable` and `[severity]` may name a policy.
        let (config, errors) = Config::parse(
            "disable = [\"good\"]\n[severity]\ngood = \"low\"\n[[policy]]\nid = \"good\"\nrequired_tags = [\"A\"]\n",
            "/w",
            crate::catalog::rules(),
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!config.is_enabled("good"));
    }

    #[test]
    fn compiled_policies_are_interned() {
        let (config, _) = Config::parse(TAGS, "/w", crate::catalog::rules());
        let a = with_policies(crate::catalog::rules(), &config.policies);
        let b = with_policies(crate::catalog::rules(), &config.policies);
        assert!(std::ptr::eq(a.all(), b.all()));
        let rule = a.by_id("acme-required-tags").unwrap();
        assert!(
            rule.matcher.is_organisation_policy()
                && rule.inspects("aws_db_instance")
                && !rule.inspects("aws_sqs_queue")
        );
        assert_eq!(a.all().len(), crate::catalog::all().len() + 1);
    }
}
