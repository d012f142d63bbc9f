//! Settings: an attribute (Terraform) or property (CloudFormation) that must hold a secure value, with the
//! quick-fix that writes it. Absent (or `!Ref AWS::NoValue`) is judged by the provider's default; an unknown
//! value is never a finding.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::cloudformation::{CfnResource, Template};
use crate::fix::{Edit, Fix};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

/// Whether any of `attrs` is written (whatever its value).
pub fn has_any(res: Resource, attrs: &[&str]) -> bool {
    attrs.iter().any(|a| res.block.attr(a).is_some())
}

/// A boolean setting with a secure value.
pub struct BoolCheck<'a> {
    pub attr: &'a str,
    pub secure: bool,
    /// Whether leaving the attribute out is insecure (the default is the insecure value).
    pub absent_insecure: bool,
    /// After the resource's address, when the attribute is absent: "does not set `x` (default `false`), so ...".
    pub absent: &'a str,
    /// After the resource's address, when the attribute has the insecure value.
    pub insecure: &'a str,
    /// The fix's title.
    pub fix: &'a str,
}

/// Reports `res` when the setting is absent (and that is insecure) or has the insecure value; never on an
/// unknown value. Returns whether it reported.
pub fn check_bool(ctx: &mut TfContext, res: Resource, c: &BoolCheck) -> bool {
    let file = ctx.file(res);
    let secure = if c.secure { "true" } else { "false" };
    match ctx.attr(res.block, c.attr) {
        None if c.absent_insecure => {
            let fix = Fix::new(c.fix, vec![edit::set_attribute(file, res.block, c.attr, secure)]);
            ctx.report_with_fix(res, res.block.header, format!("`{}` {}", res.address(), c.absent), fix);
            true
        }
        Some((attr, v)) if v.as_bool() == Some(!c.secure) => {
            let fix = Fix::new(c.fix, vec![Edit { range: attr.expr.range, text: secure.into() }]);
            ctx.report_with_fix(res, attr.range, format!("`{}` {}", res.address(), c.insecure), fix);
            true
        }
        _ => false,
    }
}

/// A boolean property with a secure value (the CloudFormation side of [`BoolCheck`]).
pub struct CfnBoolCheck<'a> {
    /// The property, a dotted path below `Properties` (`PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled`).
    pub prop: &'a str,
    pub secure: bool,
    /// Whether leaving the property out is insecure (the default is the insecure value).
    pub absent_insecure: bool,
    /// After the logical id, when the property is absent.
    pub absent: &'a str,
    /// After the logical id, when the property has the insecure value.
    pub insecure: &'a str,
    /// The fix's title.
    pub fix: &'a str,
}

/// Reports `res` when the property is absent (or `!Ref AWS::NoValue`) and that is insecure, or has the insecure
/// value; never on an unknown value. Returns whether it reported.
pub fn check_cfn_bool(ctx: &mut CfnContext, res: CfnResource, c: &CfnBoolCheck) -> bool {
    let secure = json!(c.secure);
    match ctx.prop(res, c.prop) {
        None | Some((_, Value::Null)) if c.absent_insecure => {
            let edit = set_cfn_path(ctx.template, res, c.prop, &secure);
            let range = ctx.header(res);
            ctx.report(res, range, format!("`{}` {}", res.logical_id, c.absent))
                .fixes
                .push(Fix::new(c.fix, vec![edit]));
            true
        }
        Some((node, v)) if v.as_bool() == Some(!c.secure) => {
            let range = ctx.prop_range(res, c.prop).unwrap_or(node.range);
            let edit = cfn_edit::replace_value(ctx.template, node, &secure);
            ctx.report(res, range, format!("`{}` {}", res.logical_id, c.insecure))
                .fixes
                .push(Fix::new(c.fix, vec![edit]));
            true
        }
        _ => false,
    }
}

/// The edit setting a property at a dotted path below `Properties`, creating the missing maps on the way.
pub fn set_cfn_path(t: &Template, res: CfnResource, path: &str, value: &serde_json::Value) -> Edit {
    let keys: Vec<&str> = path.split('.').collect();
    // The deepest existing map on the path.
    let mut node = res.properties.filter(|p| matches!(p.kind, NodeKind::Map(_)));
    let mut depth = 0;
    while let Some(n) = node {
        if depth + 1 >= keys.len() {
            break;
        }
        match n.get(keys[depth]) {
            Some(next) if matches!(next.kind, NodeKind::Map(_)) => {
                node = Some(next);
                depth += 1;
            }
            _ => break,
        }
    }
    // The value to write at `keys[depth]`: the rest of the path nested.
    let mut v = value.clone();
    for key in keys[depth + 1..].iter().rev() {
        let mut m = serde_json::Map::new();
        m.insert(key.to_string(), v);
        v = serde_json::Value::Object(m);
    }
    match node {
        Some(map) if depth > 0 => cfn_edit::set_key(t, map, keys[depth], &v),
        _ => cfn_edit::set_property(t, res, keys[0], &v),
    }
}

/// A property's string value, lower-cased: `Null` when absent, `Unknown` when not known.
pub fn cfn_lower(ctx: &CfnContext, res: CfnResource, prop: &str) -> Value {
    match ctx.prop(res, prop) {
        None | Some((_, Value::Null)) => Value::Null,
        Some((_, Value::String(s))) => Value::String(s.to_ascii_lowercase()),
        Some(_) => Value::Unknown,
    }
}

/// Whether any of `props` is written (whatever its value).
pub fn cfn_has_any(res: CfnResource, props: &[&str]) -> bool {
    res.properties.is_some_and(|p| props.iter().any(|k| p.get(k).is_some()))
}

/// The edit setting field `name` of a nested configuration to `value` (HCL text): the value replaced if the
/// field is written, else the field inserted in the block; `None` for an object (`x = { ... }`) lacking it.
pub fn set_in_config(
    file: &crate::terraform::TfFile,
    config: crate::terraform::view::Config,
    name: &str,
    value: &str,
) -> Option<Edit> {
    match config.attr(name) {
        Some(field) => Some(Edit { range: field.expr.range, text: value.to_string() }),
        None => config.block().map(|b| edit::insert_in_block(file, b, &format!("{name} = {value}"))),
    }
}

/// The source text of a Terraform expression (to copy it into a fix).
pub fn expr_text<'f>(file: &'f crate::terraform::TfFile, expr: &crate::terraform::model::Expr) -> &'f str {
    file.source.get(expr.range.start..expr.range.end).unwrap_or("")
}

/// The edit removing an attribute: its whole line when it is alone on it, else the attribute itself.
pub fn remove_attribute(file: &crate::terraform::TfFile, attr: &crate::terraform::model::Attribute) -> Edit {
    let src = &file.source;
    let start = crate::fix::line_start(src, attr.range.start);
    let end = crate::fix::line_end(src, attr.range.end);
    let alone = src[start..attr.range.start].trim().is_empty() && src[attr.range.end..end].trim().is_empty();
    if alone {
        Edit { range: crate::text::TextRange::new(start, end), text: String::new() }
    } else {
        Edit { range: attr.range, text: String::new() }
    }
}

/// [`cfn_edit::set_key`], also for a YAML block mapping that is a list item written on its dash's line
/// (`- Key: value`), whose keys are indented to the column after the dash.
pub fn cfn_set_key(
    t: &Template,
    map: &crate::cloudformation::tree::Node,
    key: &str,
    value: &serde_json::Value,
) -> Edit {
    use crate::cloudformation::tree::Style;
    let src = &t.source;
    let last = map.entries().last();
    if let (Style::Block, Some(last), None) = (map.style, last, map.get(key)) {
        let line = crate::fix::line_start(src, last.key_range.start);
        let column = last.key_range.start - line;
        let indent = crate::fix::indentation_at(src, last.key_range.start).len();
        if column != indent && !value.is_object() && !value.is_array() {
            let eol = crate::fix::line_ending(src);
            let at = crate::fix::line_end(
                src,
                last.range.end.max(last.key_range.end).saturating_sub(1).max(last.key_range.start),
            );
            let mut text = format!("{}{key}: {value}{eol}", " ".repeat(column));
            if !src[..at].ends_with('\n') {
                text = format!("{eol}{}", text.trim_end_matches(['\r', '\n']));
            }
            return Edit { range: crate::text::TextRange::empty(at), text };
        }
    }
    cfn_edit::set_key(t, map, key, value)
}

/// The value at a dotted path of nested blocks below `config` (`configuration.result_configuration.x`), from the
/// first block of each step; `None` when a step or the attribute is absent (or `null`).
pub fn tf_path_value<'m>(
    ctx: &TfContext<'_, 'm>,
    config: crate::terraform::view::Config<'m>,
    path: &str,
) -> Option<Value> {
    let mut steps: Vec<&str> = path.split('.').collect();
    let attr = steps.pop()?;
    let mut at = config;
    for step in steps {
        at = *ctx.nested(at, step).first()?;
    }
    ctx.field(at, attr).map(|(_, v)| v)
}

/// An edit adding `resource` to the template's `Resources` under a logical id starting with `name` (made unique),
/// when the template has a `Resources` map.
pub fn add_cfn_resource(ctx: &CfnContext, name: &str, resource: &serde_json::Value) -> Option<Edit> {
    let resources = ctx.template.root.get("Resources")?;
    let mut id = name.to_string();
    while resources.get(&id).is_some() {
        id.push('2');
    }
    Some(cfn_edit::set_key(ctx.template, resources, &id, resource))
}

/// Like [`cfn_edit::set_key`], for a map that is a list item (`- Name: app`): the added entry is aligned with
/// the item's keys, after its `- `, rather than with the dash.
pub fn set_cfn_item_key(
    t: &Template,
    map: &crate::cloudformation::tree::Node,
    key: &str,
    value: &serde_json::Value,
) -> Edit {
    let mut edit = cfn_edit::set_key(t, map, key, value);
    if map.style != crate::cloudformation::tree::Style::Block || map.get(key).is_some() {
        return edit;
    }
    let Some(last) = map.entries().last() else { return edit };
    let src = &t.source;
    let line_start = src[..last.key_range.start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &src[line_start..last.key_range.start];
    let dash = prefix.trim_start();
    if !dash.starts_with('-') {
        return edit;
    }
    let extra = " ".repeat(dash.len());
    edit.text = edit
        .text
        .split_inclusive('\n')
        .map(|line| if line.trim().is_empty() { line.to_string() } else { format!("{extra}{line}") })
        .collect();
    edit
}

/// The edit removing a map entry of a YAML template (`Key: value` and its nested lines) with its whole lines;
/// `None` in JSON or flow style, where commas would need care.
pub fn remove_cfn_entry(
    t: &Template,
    map: &crate::cloudformation::tree::Node,
    entry: &crate::cloudformation::tree::Entry,
) -> Option<Edit> {
    if map.style != crate::cloudformation::tree::Style::Block {
        return None;
    }
    Some(crate::kit::ec2::delete_lines(&t.source, crate::text::TextRange::new(entry.key_range.start, entry.range.end)))
}
