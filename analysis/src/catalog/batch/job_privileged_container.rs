use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::Node;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::model::ExprKind;
use crate::terraform::view::Config;
use crate::value::Value;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "batch-job-privileged-container",
    title: "AWS Batch job definition runs a privileged container",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "AWS Batch",
    why: "A privileged Batch container has root-equivalent access to the compute environment's host, its devices \
          and its instance role, so any job input that achieves code execution owns the host and every other job \
          on it.",
    aws_side: "AWS runs the job as defined. Avoiding privileged containers is the customer's.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_210"],
        kics: &["66cd88ac-9ddf-424a-b77e-e55e17630bee", "76ddf32c-85b1-4808-8935-7eef8030ab36"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags Batch job definitions (`aws_batch_job_definition`, `AWS::Batch::JobDefinition`) whose container \
               properties set `privileged` to `true` (also the containers of `ecs_properties` / `EcsProperties` and \
               the security context of `EksProperties` pods). Properties read from files are not judged.",
        fix:
            "Remove `privileged` (or set it to `false`); grant specific capabilities through `linuxParameters` if the \
              job needs them.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_batch_job_definition"],
            check,
            example: r#"resource "aws_batch_job_definition" "etl" {
  name = "etl"
  type = "container"
  container_properties = jsonencode({
    image      = "etl:1.0"
    privileged = true
  })
}"#,
            fixed_example: r#"resource "aws_batch_job_definition" "etl" {
  name = "etl"
  type = "container"
  container_properties = jsonencode({
    image      = "etl:1.0"
    privileged = false
  })
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Batch::JobDefinition"],
            check: check_cfn,
            example: r#"Resources:
  Etl:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties:
        Image: etl:1.0
        Privileged: true
"#,
            fixed_example: r#"Resources:
  Etl:
    Type: AWS::Batch::JobDefinition
    Properties:
      Type: container
      ContainerProperties:
        Image: etl:1.0
        Privileged: false
"#,
        }),
    },
};

const FIX: &str = "Run the job's container unprivileged";
const WHY: &str = "runs a privileged container: a compromised job owns its host";

/// The JSON document an attribute holds, read leniently (unknown parts do not hide the rest).
fn document(ctx: &TfContext, expr: &crate::terraform::model::Expr) -> Option<serde_json::Value> {
    match ctx.module.scope.eval_lenient(expr) {
        Value::String(s) => serde_json::from_str(&s).ok(),
        _ => None,
    }
}

fn privileged(v: &serde_json::Value) -> bool {
    matches!(v, serde_json::Value::Bool(true)) || v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_batch_job_definition").collect::<Vec<_>>() {
        for name in ["container_properties", "ecs_properties", "eks_properties"] {
            let Some(attr) = res.block.attr(name) else { continue };
            let Some(doc) = document(ctx, &attr.expr) else { continue };
            let containers: Vec<&serde_json::Value> = match name {
                "container_properties" => vec![&doc],
                "ecs_properties" => doc["taskProperties"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|t| t["containers"].as_array().into_iter().flatten())
                    .collect(),
                _ => doc["podProperties"]["containers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| &c["securityContext"])
                    .collect(),
            };
            if !containers.iter().any(|c| privileged(&c["privileged"])) {
                continue;
            }
            // `jsonencode({ privileged = true })`: the attribute itself can be fixed.
            let field = match &attr.expr.kind {
                ExprKind::Call(f, args) if f == "jsonencode" && name == "container_properties" => {
                    args.first().and_then(|a| Config::Object(a).attr("privileged"))
                }
                _ => None,
            };
            let message = format!("`{}` {WHY}", res.address());
            let finding = ctx.report(res, field.map_or(attr.range, |f| f.range), message);
            if let Some(f) = field {
                finding.fixes.push(Fix::new(FIX, vec![Edit { range: f.expr.range, text: "false".into() }]));
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::Batch::JobDefinition").collect::<Vec<_>>() {
        let Some(props) = res.properties else { continue };
        let mut holders: Vec<&Node> = props.get("ContainerProperties").into_iter().collect();
        for task in
            props.get("EcsProperties").and_then(|e| e.get("TaskProperties")).map(Node::items).unwrap_or_default()
        {
            holders.extend(task.get("Containers").map(Node::items).unwrap_or_default());
        }
        let pods = props.get("EksProperties").and_then(|e| e.get("PodProperties")).and_then(|p| p.get("Containers"));
        holders.extend(pods.map(Node::items).unwrap_or_default().iter().filter_map(|c| c.get("SecurityContext")));
        for holder in holders {
            let Some(entry) = holder.entry("Privileged") else { continue };
            if ctx.eval(&entry.value).as_bool() != Some(true) {
                continue;
            }
            let message = format!("`{}` {WHY}", res.logical_id);
            let edit = cfn_edit::replace_value(ctx.template, &entry.value, &json!(false));
            ctx.report(res, entry.range, message).fixes.push(Fix::new(FIX, vec![edit]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_privileged_job_containers() {
        let tf = r#"resource "aws_batch_job_definition" "heredoc" {
  container_properties = <<CONTAINER
{
  "image": "busybox",
  "privileged": true
}
CONTAINER
}
resource "aws_batch_job_definition" "encoded" {
  container_properties = jsonencode({ image = var.image, privileged = true })
}
resource "aws_batch_job_definition" "off" {
  container_properties = jsonencode({ image = "x", privileged = false })
}
resource "aws_batch_job_definition" "ecs" {
  ecs_properties = jsonencode({ taskProperties = [{ containers = [{ name = "c", privileged = true }] }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 10, 16]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      ContainerProperties:\n        Privileged: true\n  B:\n    Type: AWS::Batch::JobDefinition\n    Properties:\n      ContainerProperties:\n        Image: x\n";
        assert_eq!(cfn_lines(&RULE, yaml), [6]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
