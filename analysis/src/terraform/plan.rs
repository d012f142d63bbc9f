//! Terraform plans: the JSON `terraform show -json PLAN` writes, read as the configuration it will apply.
//!
//! A plan's `planned_values` hold every resource instance with its values after `count`, `for_each`,
//! variables and modules are resolved; what Terraform learns only at apply time is listed in
//! `after_unknown`. Each module instance of the plan becomes one synthetic `.tf.json` text, so that the same
//! rules judge it: a resource per planned resource, its instances as the bodies of an array (so that
//! `aws_ebs_volume.k` names them all, as references in the plan's `configuration` do). A value known only
//! after apply is written as the reference the configuration gives it (so that a volume attached by
//! `volume_id = aws_ebs_volume.k.id` is seen attached), else as a reference nothing resolves: unknown, and
//! so never a finding.

use serde_json::{Map, Value};

use crate::text::TextRange;

/// A plan read as configuration: a module per module instance of the plan, the root first.
#[derive(Debug, Default)]
pub struct PlanConfig {
    pub modules: Vec<PlannedModule>,
}

#[derive(Debug, Default)]
pub struct PlannedModule {
    /// `""` for the root module, `module.net`, `module.app["a"].module.db`.
    pub address: String,
    /// The module's folder relative to the root module's, when every call leading to it has a local source
    /// (`./modules/db`): where its configuration is, when the configuration is beside the plan.
    pub folder: Option<String>,
    /// A `.tf.json` text.
    pub text: String,
    pub instances: Vec<PlannedInstance>,
}

/// One resource instance of the plan.
#[derive(Debug)]
pub struct PlannedInstance {
    /// `module.net.aws_vpc.this[0]`.
    pub address: String,
    /// `resource` or `data`.
    pub kind: &'static str,
    pub ty: String,
    pub name: String,
    /// Its body in [`PlannedModule::text`].
    pub config: TextRange,
    /// Where the plan writes its address (the string after `"address":`), or the plan's first byte.
    pub in_plan: TextRange,
}

impl PlannedInstance {
    /// The address inside its module: `aws_vpc.this[0]`, `data.aws_iam_policy_document.p`.
    pub fn local_address(&self, module: &str) -> &str {
        let local = self.address.strip_prefix(module).unwrap_or(&self.address);
        local.strip_prefix('.').unwrap_or(local)
    }
}

impl PlannedModule {
    /// The instance whose synthetic body holds `offset`.
    pub fn instance_at(&self, offset: usize) -> Option<&PlannedInstance> {
        self.instances.iter().find(|i| i.config.contains(offset))
    }
}

/// Whether a JSON text is a plan: an object with `format_version` near its start (`terraform show -json`
/// writes it first) and `planned_values`.
pub fn looks_like_plan(text: &str) -> bool {
    let mut head = text.len().min(1 << 12);
    while !text.is_char_boundary(head) {
        head -= 1;
    }
    text.trim_start().starts_with('{')
        && text[..head].contains("\"format_version\"")
        && text.contains("\"planned_values\"")
}

/// Whether bytes are a binary plan file (`terraform plan -out`): a zip archive.
pub fn is_binary_plan(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads a plan's JSON; an error says what is malformed.
pub fn read(plan: &str) -> Result<PlanConfig, String> {
    let root: Value = serde_json::from_str(plan).map_err(|e| format!("not valid JSON: {e}"))?;
    let Some(planned) = root.get("planned_values") else {
        return Err("no `planned_values`: not the output of `terraform show -json PLAN`".into());
    };
    let module = planned.get("root_module").ok_or("`planned_values` has no `root_module`")?;
    let mut modules = Vec::new();
    collect(module, "", &mut modules, 0)?;
    let unknown = after_unknown(&root);
    let addresses = address_strings(plan);
    let configuration = root.get("configuration").and_then(|c| c.get("root_module"));
    let mut out = PlanConfig::default();
    for (address, instances) in modules {
        let config = configuration.and_then(|c| module_configuration(c, &address));
        let folder = configuration.and_then(|c| module_folder(c, &address));
        out.modules.push(write_module(address, folder, &instances, config, &unknown, &addresses, plan.len()));
    }
    Ok(out)
}

struct Instance {
    address: String,
    kind: &'static str,
    ty: String,
    name: String,
    values: Value,
}

/// The resources of each module instance of `planned_values`, to any depth, the root first.
fn collect(module: &Value, address: &str, out: &mut Vec<(String, Vec<Instance>)>, depth: usize) -> Result<(), String> {
    if depth > 64 {
        return Err("modules nested more than 64 deep".into());
    }
    let mut instances = Vec::new();
    for r in module.get("resources").and_then(Value::as_array).into_iter().flatten() {
        let text = |key: &str| r.get(key).and_then(Value::as_str);
        let (Some(resource), Some(ty), Some(name)) = (text("address"), text("type"), text("name")) else {
            return Err("a planned resource without `address`, `type` or `name`".into());
        };
        let kind = if text("mode") == Some("data") { "data" } else { "resource" };
        let values = match r.get("values") {
            Some(v @ Value::Object(_)) => v.clone(),
            _ => Value::Object(Map::new()),
        };
        instances.push(Instance { address: resource.into(), kind, ty: ty.into(), name: name.into(), values });
    }
    out.push((address.to_string(), instances));
    for child in module.get("child_modules").and_then(Value::as_array).into_iter().flatten() {
        let Some(child_address) = child.get("address").and_then(Value::as_str) else {
            return Err("a planned child module without `address`".into());
        };
        collect(child, child_address, out, depth + 1)?;
    }
    Ok(())
}

/// The call names of a module address: `module.a["x"].module.b` gives `a`, `b`.
fn call_names(address: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(['.', '[']).unwrap_or(after.len());
        names.push(&after[..end]);
        rest = &after[end..];
        // Past an index (`["x"]`, `[0]`), which may hold dots, to the next `.module.`.
        if rest.starts_with('[') {
            let close = rest.find("].module.").map_or(rest.len(), |i| i + 1);
            rest = &rest[close..];
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    names
}

/// The `configuration` of a module address's module.
fn module_configuration<'v>(root: &'v Value, address: &str) -> Option<&'v Value> {
    let mut module = root;
    for name in call_names(address) {
        module = module.get("module_calls")?.get(name)?.get("module")?;
    }
    Some(module)
}

/// The folder of a module address relative to the root module's, when each call's source is a local path.
fn module_folder(root: &Value, address: &str) -> Option<String> {
    let mut module = root;
    let mut folder = String::new();
    for name in call_names(address) {
        let call = module.get("module_calls")?.get(name)?;
        let source = call.get("source")?.as_str()?;
        if !(source.starts_with("./") || source.starts_with("../")) {
            return None;
        }
        folder = crate::terraform::calls::join(&folder, source)?;
        module = call.get("module")?;
    }
    Some(folder)
}

fn write_module(
    address: String,
    folder: Option<String>,
    instances: &[Instance],
    configuration: Option<&Value>,
    unknown: &std::collections::HashMap<&str, &Value>,
    addresses: &[(String, TextRange)],
    plan_len: usize,
) -> PlannedModule {
    // By kind, type and name, in the plan's order: one array of bodies per resource.
    let mut groups: Vec<(&str, &str, Vec<Vec<&Instance>>)> = Vec::new();
    for i in instances {
        match groups.iter_mut().find(|(k, t, _)| *k == i.kind && *t == i.ty) {
            Some((_, _, names)) => match names.iter_mut().find(|n| n[0].name == i.name) {
                Some(list) => list.push(i),
                None => names.push(vec![i]),
            },
            None => groups.push((i.kind, &i.ty, vec![vec![i]])),
        }
    }
    let mut out = PlannedModule { address, folder, ..PlannedModule::default() };
    let text = &mut out.text;
    text.push('{');
    for kind in ["resource", "data"] {
        let types: Vec<_> = groups.iter().filter(|(k, _, _)| *k == kind).collect();
        if types.is_empty() {
            continue;
        }
        text.push_str(if text.len() > 1 { ",\n" } else { "\n" });
        text.push_str(&format!("{}: {{", json_string(kind)));
        for (t, (_, ty, names)) in types.iter().enumerate() {
            text.push_str(if t == 0 { "\n  " } else { ",\n  " });
            text.push_str(&format!("{}: {{", json_string(ty)));
            for (n, list) in names.iter().enumerate() {
                text.push_str(if n == 0 { "\n    " } else { ",\n    " });
                text.push_str(&format!("{}: [", json_string(&list[0].name)));
                let expressions = configuration.and_then(|c| resource_expressions(c, kind, ty, &list[0].name));
                for (b, i) in list.iter().enumerate() {
                    text.push_str(if b == 0 { "\n      " } else { ",\n      " });
                    let mut values = i.values.clone();
                    if let Some(marks) = unknown.get(i.address.as_str()) {
                        mark_unknown(&mut values, marks);
                    }
                    escape_templates(&mut values);
                    if let Some(expressions) = expressions {
                        write_references(&mut values, expressions, instances);
                    }
                    let start = text.len();
                    text.push_str(&serde_json::to_string(&values).unwrap_or_else(|_| "{}".into()));
                    let in_plan = addresses
                        .iter()
                        .find(|(a, _)| a == &i.address)
                        .map_or(TextRange::new(0, plan_len.min(1)), |(_, r)| *r);
                    out.instances.push(PlannedInstance {
                        address: i.address.clone(),
                        kind: i.kind,
                        ty: i.ty.clone(),
                        name: i.name.clone(),
                        config: TextRange::new(start, text.len()),
                        in_plan,
                    });
                }
                text.push_str("\n    ]");
            }
            text.push_str("\n  }");
        }
        text.push_str("\n}");
    }
    text.push_str("\n}\n");
    out
}

/// The `expressions` of a resource in a module's `configuration`.
fn resource_expressions<'v>(module: &'v Value, kind: &str, ty: &str, name: &str) -> Option<&'v Value> {
    let mode = if kind == "data" { "data" } else { "managed" };
    module.get("resources")?.as_array()?.iter().find_map(|r| {
        let is = |key: &str, want: &str| r.get(key).and_then(Value::as_str) == Some(want);
        (is("type", ty) && is("name", name) && (is("mode", mode) || r.get("mode").is_none()))
            .then(|| r.get("expressions"))
            .flatten()
    })
}

/// Writes, for each value the configuration computes from another resource of the module, that reference
/// in place of the value, when the value is unknown or is the referenced attribute's planned value (so the
/// reference means the same, and links the two as the configuration does).
fn write_references(values: &mut Value, expressions: &Value, instances: &[Instance]) {
    match (values, expressions) {
        (Value::Object(map), Value::Object(exprs)) => {
            for (key, expr) in exprs {
                if let Some(reference) = resource_reference(expr, instances) {
                    let known = map.get(key).filter(|v| v.as_str() != Some(UNKNOWN));
                    let same = match known {
                        None => true,
                        Some(v) => referenced_value(&reference, instances).is_some_and(|r| r == v),
                    };
                    if same {
                        map.insert(key.clone(), Value::String(format!("${{{reference}}}")));
                    }
                } else if let Some(v) = map.get_mut(key) {
                    write_references(v, expr, instances);
                }
            }
        }
        // Nested blocks: a body of expressions per block.
        (Value::Array(items), Value::Array(exprs)) => {
            for (v, e) in items.iter_mut().zip(exprs) {
                write_references(v, e, instances);
            }
        }
        _ => {}
    }
}

/// The reference of an expression to an attribute of a resource (or data source) of the module, without
/// instance keys: `aws_ebs_volume.k.id` for `aws_ebs_volume.k[0].id`.
fn resource_reference(expr: &Value, instances: &[Instance]) -> Option<String> {
    let references = expr.get("references")?.as_array()?;
    references.iter().filter_map(Value::as_str).find_map(|r| {
        let unindexed = strip_indexes(r);
        let parts: Vec<&str> = unindexed.split('.').collect();
        let (kind, ty, name, rest) = match parts.as_slice() {
            ["data", ty, name, rest @ ..] => ("data", *ty, *name, rest),
            [ty, name, rest @ ..] => ("resource", *ty, *name, rest),
            _ => return None,
        };
        let known = instances.iter().any(|i| i.kind == kind && i.ty == ty && i.name == name);
        (known && !rest.is_empty()).then_some(unindexed)
    })
}

fn strip_indexes(reference: &str) -> String {
    let mut out = String::with_capacity(reference.len());
    let mut depth = 0usize;
    let mut quoted = false;
    for c in reference.chars() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted && depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The planned value of `type.name.attr` (any instance's, when all agree).
fn referenced_value<'i>(reference: &str, instances: &'i [Instance]) -> Option<&'i Value> {
    let parts: Vec<&str> = reference.split('.').collect();
    let (kind, ty, name, attr) = match parts.as_slice() {
        ["data", ty, name, attr, ..] => ("data", *ty, *name, *attr),
        [ty, name, attr, ..] => ("resource", *ty, *name, *attr),
        _ => return None,
    };
    let mut values =
        instances.iter().filter(|i| i.kind == kind && i.ty == ty && i.name == name).filter_map(|i| i.values.get(attr));
    let first = values.next()?;
    values.all(|v| v == first).then_some(first)
}

/// `after_unknown` of each resource change, by address.
fn after_unknown(root: &Value) -> std::collections::HashMap<&str, &Value> {
    let mut out = std::collections::HashMap::new();
    for change in root.get("resource_changes").and_then(Value::as_array).into_iter().flatten() {
        if let (Some(address), Some(marks)) =
            (change.get("address").and_then(Value::as_str), change.get("change").and_then(|c| c.get("after_unknown")))
        {
            out.insert(address, marks);
        }
    }
    out
}

/// A value Terraform knows only after apply, written as a reference the evaluator cannot resolve.
const UNKNOWN: &str = "${terraform_plan.known_after_apply}";

/// Replaces each value `marks` marks `true` with [`UNKNOWN`].
fn mark_unknown(values: &mut Value, marks: &Value) {
    match (values, marks) {
        (v, Value::Bool(true)) => *v = Value::String(UNKNOWN.into()),
        (Value::Object(map), Value::Object(marks)) => {
            for (key, mark) in marks {
                match map.get_mut(key) {
                    Some(v) => mark_unknown(v, mark),
                    None if mark == &Value::Bool(true) => {
                        map.insert(key.clone(), Value::String(UNKNOWN.into()));
                    }
                    None => {}
                }
            }
        }
        (Value::Array(items), Value::Array(marks)) => {
            for (v, mark) in items.iter_mut().zip(marks) {
                mark_unknown(v, mark);
            }
        }
        _ => {}
    }
}

/// Planned strings are final values: a `${` or `%{` in one is text, not a template.
fn escape_templates(value: &mut Value) {
    match value {
        Value::String(s) if s != UNKNOWN && (s.contains("${") || s.contains("%{")) => {
            *s = s.replace("${", "$${").replace("%{", "%%{");
        }
        Value::Array(items) => items.iter_mut().for_each(escape_templates),
        Value::Object(map) => map.values_mut().for_each(escape_templates),
        _ => {}
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Every `"address": "..."` of the plan text with the range of its string, in the order written.
fn address_strings(plan: &str) -> Vec<(String, TextRange)> {
    let mut out = Vec::new();
    let bytes = plan.as_bytes();
    let skip_space = |mut at: usize| {
        while at < bytes.len() && bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        at
    };
    let mut from = 0;
    while let Some(i) = plan[from..].find("\"address\"") {
        let at = skip_space(from + i + "\"address\"".len());
        from = at;
        if bytes.get(at) != Some(&b':') {
            continue;
        }
        let at = skip_space(at + 1);
        if bytes.get(at) != Some(&b'"') {
            continue;
        }
        // The string's end: the next quote not escaped.
        let mut end = at + 1;
        while end < bytes.len() && bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let end = (end + 1).min(plan.len());
        if let Some(Ok(address)) = plan.get(at..end).map(serde_json::from_str::<String>) {
            out.push((address, TextRange::new(at, end)));
        }
        from = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = r#"{
  "format_version": "1.2",
  "planned_values": {
    "root_module": {
      "resources": [
        {"address": "aws_ebs_volume.k[0]", "mode": "managed", "type": "aws_ebs_volume", "name": "k", "index": 0,
         "values": {"size": 1, "encrypted": false, "note": "${x}"}},
        {"address": "aws_ebs_volume.k[1]", "mode": "managed", "type": "aws_ebs_volume", "name": "k", "index": 1,
         "values": {"size": 1, "encrypted": true}},
        {"address": "aws_volume_attachment.a", "mode": "managed", "type": "aws_volume_attachment", "name": "a",
         "values": {"device_name": "/dev/sdh"}}
      ],
      "child_modules": [
        {"address": "module.db[\"x.y\"]", "resources": [
          {"address": "module.db[\"x.y\"].aws_db_instance.this", "mode": "managed",
           "type": "aws_db_instance", "name": "this", "values": {"storage_encrypted": false}}
        ]}
      ]
    }
  },
  "resource_changes": [
    {"address": "aws_volume_attachment.a", "change": {"after_unknown": {"volume_id": true, "id": true}}},
    {"address": "aws_ebs_volume.k[0]", "change": {"after_unknown": {"kms_key_id": true}}}
  ],
  "configuration": {"root_module": {
    "resources": [{"address": "aws_volume_attachment.a", "mode": "managed", "type": "aws_volume_attachment",
      "name": "a", "expressions": {"volume_id": {"references": ["aws_ebs_volume.k[0].id", "aws_ebs_volume.k[0]", "aws_ebs_volume.k"]}}}],
    "module_calls": {"db": {"source": "./modules/db", "module": {}}}
  }}
}"#;

    #[test]
    fn a_plan_becomes_a_module_per_module_instance_with_a_body_per_resource_instance() {
        assert!(looks_like_plan(PLAN));
        let plan = read(PLAN).unwrap();
        let root: Value = serde_json::from_str(&plan.modules[0].text).unwrap();
        let volumes = &root["resource"]["aws_ebs_volume"]["k"];
        assert_eq!(volumes[0]["encrypted"], false);
        assert_eq!(volumes[1]["encrypted"], true);
        assert_eq!(volumes[0]["kms_key_id"], UNKNOWN);
        assert_eq!(volumes[0]["note"], "$${x}", "a planned string is text, not a template");
        // Unknown at plan time, but the configuration says where it comes from.
        assert_eq!(root["resource"]["aws_volume_attachment"]["a"][0]["volume_id"], "${aws_ebs_volume.k.id}");
        assert_eq!(root["resource"]["aws_volume_attachment"]["a"][0]["id"], UNKNOWN);

        let db = &plan.modules[1];
        assert_eq!(db.address, "module.db[\"x.y\"]");
        assert_eq!(db.folder.as_deref(), Some("modules/db"));
        let instance = &db.instances[0];
        assert_eq!(instance.local_address(&db.address), "aws_db_instance.this");
        assert_eq!(&PLAN[instance.in_plan.start..instance.in_plan.end], r#""module.db[\"x.y\"].aws_db_instance.this""#);
        assert_eq!(db.instance_at(instance.config.start).unwrap().address, instance.address);
    }

    #[test]
    fn module_addresses_name_their_calls_past_instance_keys() {
        assert_eq!(call_names("module.a[\"x.module.y\"].module.b[0]"), ["a", "b"]);
        assert_eq!(call_names(""), Vec::<&str>::new());
        assert_eq!(strip_indexes("aws_x.k[\"a]b\"].id"), "aws_x.k.id");
    }

    #[test]
    fn malformed_plans_are_errors_not_panics() {
        assert!(read("{").unwrap_err().contains("not valid JSON"));
        assert!(read(r#"{"format_version": "1.2"}"#).unwrap_err().contains("planned_values"));
        assert!(read(r#"{"planned_values": {"root_module": {"resources": [{"values": {}}]}}}"#).is_err());
        assert!(read(r#"{"planned_values": {"root_module": {"child_modules": [{}]}}}"#).is_err());
        assert!(!looks_like_plan(r#"{"AWSTemplateFormatVersion": "2010-09-09"}"#));
        assert!(is_binary_plan(b"PK\x03\x04rest"));
    }
}
