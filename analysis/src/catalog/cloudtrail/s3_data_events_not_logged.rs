use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::Node;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "cloudtrail-s3-data-events-not-logged",
    title: "CloudTrail trail does not log S3 object-level (data) events for both reads and writes",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "CloudTrail",
    why: "Management events do not show who read or deleted which object; after a leak or a ransomware deletion, \
          object-level events are the only record. One trail that logs them covers the account: suppress the \
          finding on the other trails.",
    aws_side: "CloudTrail logs data events only when a trail asks for them (they are billed); choosing to is the \
               customer's.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &[],
        kics: &["a8fc2180-b3ac-4c93-bd0d-a55b974e4b07"],
        trivy: &[
            "AVD-AWS-0171",
            "aws-s3-enable-object-write-logging",
            "AVD-AWS-0172",
            "aws-s3-enable-object-read-logging",
        ],
        how: "KICS also flags an S3 data selector that leaves `read_write_type` out, which logs reads and writes \
              (`All` is the default); Trivy's checks read the account, per bucket.",
    },
    matcher: &Custom {
        what: "Flags trails whose event selectors do not log S3 object reads and writes: no `event_selector` with a \
               `data_resource` of type `AWS::S3::Object` and `read_write_type` `All` (or absent), nor a `ReadOnly` \
               and a `WriteOnly` one, and no `advanced_event_selector` selecting `eventCategory` `Data` on \
               `AWS::S3::Object` for both (CloudFormation: `EventSelectors`, `AdvancedEventSelectors`).",
        fix: "Add `event_selector { read_write_type = \"All\" data_resource { type = \"AWS::S3::Object\" values = \
              [\"arn:aws:s3\"] } }` (every bucket), or name the buckets that matter.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudtrail"],
            check,
            example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
}"#,
            fixed_example: r#"resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = "audit-logs"
  event_selector {
    read_write_type           = "All"
    include_management_events = true
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CloudTrail::Trail"],
            check: check_cfn,
            example: r#"Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-logs
      IsLogging: true
"#,
            fixed_example: r#"Resources:
  Trail:
    Type: AWS::CloudTrail::Trail
    Properties:
      S3BucketName: audit-logs
      IsLogging: true
      EventSelectors:
        - ReadWriteType: All
          IncludeManagementEvents: true
          DataResources:
            - Type: AWS::S3::Object
              Values: [arn:aws:s3]
"#,
        }),
    },
};

/// What the selectors log of S3 objects: (reads, writes); `None` when it cannot be known.
#[derive(Default)]
struct Logged {
    reads: bool,
    writes: bool,
    unknown: bool,
}

impl Logged {
    fn add_type(&mut self, read_write: Option<&Value>) {
        match read_write {
            None => (self.reads, self.writes) = (true, true),
            Some(v) => match v.as_str() {
                Some(s) if s.eq_ignore_ascii_case("All") => (self.reads, self.writes) = (true, true),
                Some(s) if s.eq_ignore_ascii_case("ReadOnly") => self.reads = true,
                Some(s) if s.eq_ignore_ascii_case("WriteOnly") => self.writes = true,
                Some(_) => {}
                None => self.unknown = true,
            },
        }
    }

    /// An advanced selector's field selectors: (field, equals values).
    fn add_advanced(&mut self, fields: &[(String, Option<Vec<String>>)]) {
        let equals = |name: &str| fields.iter().find(|(f, _)| f.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
        match (equals("eventCategory"), equals("resources.type")) {
            (Some(Some(c)), Some(Some(t))) => {
                if !(c.iter().any(|x| x == "Data") && t.iter().any(|x| x == "AWS::S3::Object")) {
                    return;
                }
            }
            (Some(None), _) | (_, Some(None)) => {
                self.unknown = true;
                return;
            }
            _ => return,
        }
        match equals("readOnly") {
            None => (self.reads, self.writes) = (true, true),
            Some(Some(v)) if v.iter().any(|x| x == "true") => self.reads = true,
            Some(Some(v)) if v.iter().any(|x| x == "false") => self.writes = true,
            _ => self.unknown = true,
        }
    }

    fn lack(&self) -> Option<&'static str> {
        match (self.unknown, self.reads, self.writes) {
            (true, _, _) | (false, true, true) => None,
            (false, false, false) => Some("logs no S3 object-level (data) events"),
            (false, true, false) => Some("logs S3 object reads but not writes"),
            (false, false, true) => Some("logs S3 object writes but not reads"),
        }
    }
}

fn strings(v: &Value) -> Option<Vec<String>> {
    if !v.is_known() {
        return None;
    }
    v.one_or_many().into_iter().map(|x| x.as_str().map(str::to_string)).collect()
}

fn check(ctx: &mut TfContext) {
    for trail in ctx.resources("aws_cloudtrail").collect::<Vec<_>>() {
        let mut logged = Logged::default();
        let selectors = ctx.nested(trail.config(), "event_selector");
        for selector in &selectors {
            if selector.is_dynamic() {
                logged.unknown = true;
                continue;
            }
            let mut s3 = false;
            for data in ctx.nested(*selector, "data_resource") {
                match ctx.field(data, "type").map(|(_, v)| v) {
                    Some(Value::String(t)) => s3 |= t == "AWS::S3::Object",
                    Some(_) => logged.unknown = true,
                    None => {}
                }
            }
            if s3 {
                logged.add_type(ctx.field(*selector, "read_write_type").map(|(_, v)| v).as_ref());
            }
        }
        for advanced in ctx.nested(trail.config(), "advanced_event_selector") {
            let fields: Vec<(String, Option<Vec<String>>)> = ctx
                .nested(advanced, "field_selector")
                .into_iter()
                .filter_map(|f| {
                    let name = ctx.field(f, "field")?.1.as_str()?.to_string();
                    Some((name, ctx.field(f, "equals").and_then(|(_, v)| strings(&v))))
                })
                .collect();
            logged.add_advanced(&fields);
        }
        let written =
            trail.block.attr("event_selector").is_some() || trail.block.attr("advanced_event_selector").is_some();
        if written && selectors.is_empty() {
            logged.unknown = true;
        }
        let Some(lack) = logged.lack() else { continue };
        let file = ctx.file(trail);
        let fix =
            has_no_selectors(trail).then(|| Fix::new(FIX, vec![edit::insert_in_block(file, trail.block, SELECTOR)]));
        let message = format!(
            "`{}` {lack}: after a leak there is no record of who read or deleted which object",
            trail.address()
        );
        ctx.report(trail, trail.block.header, message).fixes.extend(fix);
    }
}

/// Whether a trail has no selector at all (the fix adds one).
fn has_no_selectors(trail: crate::terraform::check::Resource) -> bool {
    ["event_selector", "advanced_event_selector"]
        .iter()
        .all(|name| trail.block.block(name).is_none() && trail.block.attr(name).is_none())
}

const FIX: &str = "Log S3 object reads and writes for every bucket";
const SELECTOR: &str =
    "event_selector {\n  read_write_type           = \"All\"\n  include_management_events = true\n  \
                        data_resource {\n    type   = \"AWS::S3::Object\"\n    values = [\"arn:aws:s3\"]\n  }\n}";

fn cfn_logged(ctx: &CfnContext, trail: crate::cloudformation::CfnResource) -> Logged {
    let mut logged = Logged::default();
    if let Some((selectors, value)) = ctx.prop(trail, "EventSelectors") {
        if !value.is_known() {
            logged.unknown = true;
        }
        for selector in selectors.items() {
            let s3 = selector.get("DataResources").is_some_and(|d| {
                d.items().iter().any(|r| r.get("Type").is_some_and(|t| ctx.eval(t).as_str() == Some("AWS::S3::Object")))
            });
            if s3 {
                logged.add_type(selector.get("ReadWriteType").map(|n| ctx.eval(n)).as_ref());
            }
        }
    }
    if let Some((advanced, _)) = ctx.prop(trail, "AdvancedEventSelectors") {
        for selector in advanced.items() {
            let fields: Vec<(String, Option<Vec<String>>)> = selector
                .get("FieldSelectors")
                .map(Node::items)
                .unwrap_or_default()
                .iter()
                .filter_map(|f| {
                    let name = ctx.eval(f.get("Field")?).as_str()?.to_string();
                    Some((name, f.get("Equals").and_then(|e| strings(&ctx.eval(e)))))
                })
                .collect();
            logged.add_advanced(&fields);
        }
    }
    logged
}

fn check_cfn(ctx: &mut CfnContext) {
    for trail in ctx.resources("AWS::CloudTrail::Trail").collect::<Vec<_>>() {
        let Some(lack) = cfn_logged(ctx, trail).lack() else { continue };
        let fix = (ctx.prop(trail, "EventSelectors").is_none() && ctx.prop(trail, "AdvancedEventSelectors").is_none())
            .then(|| {
                let value = json!([{
                    "ReadWriteType": "All",
                    "IncludeManagementEvents": true,
                    "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]
                }]);
                Fix::new(FIX, vec![cfn_edit::set_property(ctx.template, trail, "EventSelectors", &value)])
            });
        let message = format!(
            "`{}` {lack}: after a leak there is no record of who read or deleted which object",
            trail.logical_id
        );
        let range = ctx.header(trail);
        ctx.report(trail, range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_trails_without_s3_reads_and_writes() {
        let tf = r#"resource "aws_cloudtrail" "none" {
  name = "a"
}
resource "aws_cloudtrail" "read_only" {
  event_selector {
    read_write_type = "ReadOnly"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}
resource "aws_cloudtrail" "default_all" {
  event_selector {
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3:::bucket/"]
    }
  }
}
resource "aws_cloudtrail" "split" {
  event_selector {
    read_write_type = "ReadOnly"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
  event_selector {
    read_write_type = "WriteOnly"
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}
resource "aws_cloudtrail" "advanced" {
  advanced_event_selector {
    field_selector {
      field  = "eventCategory"
      equals = ["Data"]
    }
    field_selector {
      field  = "resources.type"
      equals = ["AWS::S3::Object"]
    }
  }
}
resource "aws_cloudtrail" "lambda_only" {
  event_selector {
    data_resource {
      type   = "AWS::Lambda::Function"
      values = ["arn:aws:lambda"]
    }
  }
}
resource "aws_cloudtrail" "unknown" {
  event_selector {
    read_write_type = var.rw
    data_resource {
      type   = "AWS::S3::Object"
      values = ["arn:aws:s3"]
    }
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 4, 49]);
        assert_eq!(check_fixes(&RULE, tf), 1);
    }

    #[test]
    fn cloudformation_selectors() {
        let yaml = r#"Resources:
  None:
    Type: AWS::CloudTrail::Trail
    Properties:
      IsLogging: true
  WriteOnly:
    Type: AWS::CloudTrail::Trail
    Properties:
      EventSelectors:
        - ReadWriteType: WriteOnly
          DataResources:
            - {Type: AWS::S3::Object, Values: [arn:aws:s3]}
  Advanced:
    Type: AWS::CloudTrail::Trail
    Properties:
      AdvancedEventSelectors:
        - FieldSelectors:
            - {Field: eventCategory, Equals: [Data]}
            - {Field: resources.type, Equals: [AWS::S3::Object]}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
