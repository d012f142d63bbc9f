//! The values of a template's nodes: parameter defaults through `Ref`, `Mappings` through `Fn::FindInMap`,
//! simple `Conditions` through `Fn::If`, and `Fn::Sub`/`Fn::Join`/`Fn::Select` over known parts. Anything
//! that depends on deployment (a resource's attribute, a pseudo parameter, an import) is `Unknown`.

use std::collections::{BTreeMap, HashMap};

use super::tree::{Node, NodeKind};
use super::Template;
use crate::value::Value;

pub struct CfnScope<'t> {
    template: &'t Template,
    parameters: HashMap<&'t str, Value>,
}

const MAX_DEPTH: usize = 64;

impl<'t> CfnScope<'t> {
    pub fn new(template: &'t Template) -> CfnScope<'t> {
        let mut scope = CfnScope { template, parameters: HashMap::new() };
        let params = template.root.get("Parameters").map(Node::entries).unwrap_or_default();
        for p in params {
            // A parameter without a default is given at deployment: unknown.
            let value = p.value.get("Default").map(|d| scope.eval(d)).unwrap_or(Value::Unknown);
            scope.parameters.insert(&p.key, value);
        }
        scope
    }

    pub fn eval(&self, node: &Node) -> Value {
        self.eval_at(node, 0)
    }

    fn eval_at(&self, node: &Node, depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Unknown;
        }
        let depth = depth + 1;
        if let Some((name, arg)) = node.intrinsic() {
            return self.intrinsic(name, arg, depth);
        }
        match &node.kind {
            NodeKind::Null => Value::Null,
            NodeKind::Bool(b) => Value::Bool(*b),
            NodeKind::Number(n) => Value::Number(*n),
            NodeKind::String(s) => Value::String(s.clone()),
            NodeKind::List(items) => Value::List(
                items
                    .iter()
                    .map(|i| self.eval_at(i, depth))
                    // `!Ref AWS::NoValue` in a list removes the item.
                    .filter(|v| !matches!(v, Value::Null))
                    .collect(),
            ),
            NodeKind::Map(entries) => {
                Value::Map(entries.iter().map(|e| (e.key.clone(), self.eval_at(&e.value, depth))).collect())
            }
            NodeKind::Unknown => Value::Unknown,
        }
    }

    fn reference(&self, name: &str) -> Value {
        match name {
            "AWS::NoValue" => Value::Null,
            _ => self.parameters.get(name).cloned().unwrap_or(Value::Unknown),
        }
    }

    fn intrinsic(&self, name: &str, arg: &Node, depth: usize) -> Value {
        let args = arg.items();
        match name {
            "Ref" => arg.as_str().map(|n| self.reference(n)).unwrap_or(Value::Unknown),
            "Fn::Sub" => match &arg.kind {
                NodeKind::String(s) => self.sub(s, &BTreeMap::new()),
                NodeKind::List(items) if !items.is_empty() => {
                    let vars = match items.get(1).map(|v| self.eval_at(v, depth)) {
                        Some(Value::Map(m)) => m,
                        _ => BTreeMap::new(),
                    };
                    match items[0].as_str() {
                        Some(s) => self.sub(s, &vars),
                        None => Value::Unknown,
                    }
                }
                _ => Value::Unknown,
            },
            "Fn::Join" => {
                let (Some(sep), Some(parts)) = (args.first().and_then(|s| s.as_str()), args.get(1)) else {
                    return Value::Unknown;
                };
                match self.eval_at(parts, depth) {
                    Value::List(items) => {
                        let texts: Option<Vec<String>> = items.iter().map(Value::to_text).collect();
                        texts.map(|t| Value::String(t.join(sep))).unwrap_or(Value::Unknown)
                    }
                    _ => Value::Unknown,
                }
            }
            "Fn::Select" => {
                let (Some(index), Some(list)) = (args.first(), args.get(1)) else { return Value::Unknown };
                match (self.eval_at(index, depth).as_f64(), self.eval_at(list, depth)) {
                    (Some(i), Value::List(mut items)) if i >= 0.0 && (i as usize) < items.len() => {
                        items.swap_remove(i as usize)
                    }
                    _ => Value::Unknown,
                }
            }
            "Fn::FindInMap" => {
                let keys: Vec<Option<String>> = args.iter().map(|a| self.eval_at(a, depth).to_text()).collect();
                let [Some(map), Some(top), Some(second)] = keys.as_slice() else { return Value::Unknown };
                let node = self.template.root.get("Mappings").and_then(|m| m.get(map)).and_then(|m| m.get(top));
                node.and_then(|n| n.get(second)).map(|n| self.eval_at(n, depth)).unwrap_or(Value::Unknown)
            }
            "Fn::If" => {
                let (Some(cond), Some(then), Some(other)) =
                    (args.first().and_then(|c| c.as_str()), args.get(1), args.get(2))
                else {
                    return Value::Unknown;
                };
                match self.condition(cond, depth) {
                    Some(true) => self.eval_at(then, depth),
                    Some(false) => self.eval_at(other, depth),
                    None => Value::Unknown,
                }
            }
            "Fn::Base64" => self.eval_at(arg, depth),
            "Fn::ToJsonString" => match self.eval_at(arg, depth).to_json() {
                Some(json) => Value::String(json.to_string()),
                None => Value::Unknown,
            },
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition" => {
                self.condition_node(arg, name, depth).map(Value::Bool).unwrap_or(Value::Unknown)
            }
            _ => Value::Unknown,
        }
    }

    /// `${Param}`, `${AWS::Region}`, `${Resource.Attr}`, `${!Literal}` in a `Fn::Sub` string.
    fn sub(&self, s: &str, vars: &BTreeMap<String, Value>) -> Value {
        let mut out = String::new();
        let mut rest = s;
        while let Some(i) = rest.find("${") {
            out.push_str(&rest[..i]);
            let Some(end) = rest[i..].find('}') else { return Value::Unknown };
            let name = &rest[i + 2..i + end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let value = vars.get(name).cloned().unwrap_or_else(|| self.reference(name));
                match value.to_text() {
                    Some(t) => out.push_str(&t),
                    None => return Value::Unknown,
                }
            }
            rest = &rest[i + end + 1..];
        }
        out.push_str(rest);
        Value::String(out)
    }

    /// The value of a named condition of the `Conditions` section.
    pub fn condition(&self, name: &str, depth: usize) -> Option<bool> {
        let node = self.template.root.get("Conditions")?.get(name)?;
        let (fname, arg) = node.intrinsic()?;
        self.condition_node(arg, fname, depth + 1)
    }

    fn condition_node(&self, arg: &Node, name: &str, depth: usize) -> Option<bool> {
        if depth > MAX_DEPTH {
            return None;
        }
        let sub = |n: &Node| -> Option<bool> {
            let (f, a) = n.intrinsic()?;
            self.condition_node(a, f, depth + 1)
        };
        match name {
            "Condition" => self.condition(arg.as_str()?, depth),
            "Fn::Equals" => {
                let [a, b] = arg.items() else { return None };
                let (a, b) = (self.eval_at(a, depth).to_text()?, self.eval_at(b, depth).to_text()?);
                Some(a == b)
            }
            "Fn::Not" => Some(!sub(arg.items().first()?)?),
            "Fn::And" => arg.items().iter().map(sub).try_fold(true, |acc, v| Some(acc && v?)),
            "Fn::Or" => arg.items().iter().map(sub).try_fold(false, |acc, v| Some(acc || v?)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, Parsers};

    fn template(path: &str, text: &str) -> Template {
        let mut doc = Document::new(path, text, 0).unwrap();
        doc.parse_fully(&mut Parsers::new());
        Template::from_document(&doc).expect("a template")
    }

    const YAML: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Acl:
    Type: String
    Default: PublicRead
  Env:
    Type: String
    Default: prod
  Secret:
    Type: String
Mappings:
  Sizes:
    prod: {Class: db.m5.large}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: !Ref Acl
      BucketName: !Sub "${Env}-${AWS::Region}-logs"
      Tags:
        - Key: name
          Value: !Join ["-", [a, !Ref Env]]
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      DBInstanceClass: !FindInMap [Sizes, !Ref Env, Class]
      StorageEncrypted: !If [IsProd, true, false]
      MasterUserPassword: !Ref Secret
      Policy: |
        {"a": 1}
"#;

    #[test]
    fn yaml_short_forms_evaluate() {
        let t = template("t.yaml", YAML);
        let scope = CfnScope::new(&t);
        let bucket = t.resources_of("AWS::S3::Bucket").next().unwrap();
        let props = bucket.properties.unwrap();
        assert_eq!(scope.eval(props.get("AccessControl").unwrap()), Value::String("PublicRead".into()));
        assert_eq!(scope.eval(props.get("BucketName").unwrap()), Value::Unknown);
        let tags = scope.eval(props.get("Tags").unwrap());
        assert_eq!(tags.as_list().unwrap()[0].get("Value"), &Value::String("a-prod".into()));
        let db = t.resources_of("AWS::RDS::DBInstance").next().unwrap().properties.unwrap();
        assert_eq!(scope.eval(db.get("DBInstanceClass").unwrap()), Value::String("db.m5.large".into()));
        assert_eq!(scope.eval(db.get("StorageEncrypted").unwrap()), Value::Bool(true));
        assert_eq!(scope.eval(db.get("MasterUserPassword").unwrap()), Value::Unknown);
        assert_eq!(scope.eval(db.get("Policy").unwrap()), Value::String("{\"a\": 1}\n".into()));
        assert_eq!(&YAML[bucket.entry.key_range.start..bucket.entry.key_range.end], "Bucket");
    }

    #[test]
    fn every_document_of_a_stream_is_checked() {
        let t = template(
            "t.yaml",
            "Resources:\n  A:\n    Type: AWS::S3::Bucket\n---\nResources:\n  B:\n    Type: AWS::S3::Bucket\n",
        );
        assert_eq!(t.resources().map(|r| r.logical_id).collect::<Vec<_>>(), ["A", "B"]);
    }

    #[test]
    fn json_long_forms_evaluate() {
        let json = r#"{"Parameters": {"P": {"Default": "x"}},
          "Resources": {"B": {"Type": "AWS::S3::Bucket", "Properties": {
            "BucketName": {"Fn::Sub": ["${P}-${Q}", {"Q": "y"}]}, "N": {"Fn::Select": [1, ["a", "b"]]}}}}}"#;
        let t = template("t.json", json);
        let scope = CfnScope::new(&t);
        let props = t.resources().next().unwrap().properties.unwrap();
        assert_eq!(scope.eval(props.get("BucketName").unwrap()), Value::String("x-y".into()));
        assert_eq!(scope.eval(props.get("N").unwrap()), Value::String("b".into()));
    }
}
