use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::refs::reference;
use crate::kit::setting::set_cfn_path;
use crate::terraform::edit;

const FIX: &str = "Expire untagged images after 14 days";
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;

pub static RULE: Rule = Rule {
    id: "ecr-no-lifecycle-policy",
    title: "ECR repository has no lifecycle policy",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "ECR",
    why: "Without expiry rules a repository keeps every old image forever, including ones with known \
          vulnerabilities that can still be pulled and deployed by mistake or by an attacker, and storage costs \
          grow without bound.",
    aws_side: "AWS stores what is pushed. Retention is the customer's.",
    equivalents: Equivalents::NONE,
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags ECR repositories that no `aws_ecr_lifecycle_policy` of the configuration covers, \
               `terraform-aws-modules/ecr` calls with `create_lifecycle_policy = false`, and \
               `AWS::ECR::Repository` without `LifecyclePolicy.LifecyclePolicyText`.",
        fix: "Add a lifecycle policy that expires untagged images and keeps a bounded number of tagged ones.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecr_repository"],
            check,
            example: r#"resource "aws_ecr_repository" "app" {
  name = "app"
}"#,
            fixed_example: r#"resource "aws_ecr_repository" "app" {
  name = "app"
}
resource "aws_ecr_lifecycle_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy     = file("ecr-lifecycle.json")
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECR::Repository"],
            check: check_cfn,
            example: r#"Resources:
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      LifecyclePolicy:
        LifecyclePolicyText: '{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14}, "action": {"type": "expire"}}]}'
"#,
        }),
    },
};

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_ecr_repository", "ecr").collect::<Vec<_>>() {
        if res.is_module() {
            let Some((attr, v)) = ctx.attr(res.block, "create_lifecycle_policy") else { continue };
            if v.as_bool() == Some(false) {
                let message =
                    format!("`{}` creates no lifecycle policy, so old images are kept forever", res.address());
                ctx.report(res, attr.range, message);
            }
            continue;
        }
        let covered = ctx.all_resources("aws_ecr_lifecycle_policy").any(|p| {
            p.block.attr("repository").is_some_and(|a| {
                reference(&a.expr).is_some_and(|r| r.is(res)) || ctx.refers_to(&a.expr, res, &["name"])
            })
        });
        if !covered {
            let message = format!("`{}` has no lifecycle policy, so old images are kept forever", res.address());
            let policy = format!(
                "resource \"aws_ecr_lifecycle_policy\" \"{name}\" {{\n  repository = {ty}.{name}.name\n  policy = jsonencode({{\n    rules = [{{\n      rulePriority = 1\n      description  = \"Expire untagged images after 14 days\"\n      selection    = {{ tagStatus = \"untagged\", countType = \"sinceImagePushed\", countUnit = \"days\", countNumber = 14 }}\n      action       = {{ type = \"expire\" }}\n    }}]\n  }})\n}}",
                name = res.name(),
                ty = res.ty()
            );
            let edit = edit::insert_after(ctx.file(res), res.block, &policy);
            let fix = Fix::new(FIX, vec![edit]);
            ctx.report_with_fix(res, res.block.header, message, fix);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECR::Repository").collect::<Vec<_>>() {
        if res.properties.is_some_and(|p| p.intrinsic().is_some()) {
            continue;
        }
        if ctx.prop(res, "LifecyclePolicy.LifecyclePolicyText").is_some() {
            continue;
        }
        let message = format!("`{}` has no lifecycle policy, so old images are kept forever", res.logical_id);
        let range = ctx.header(res);
        let text = r#"{"rules": [{"rulePriority": 1, "description": "Expire untagged images after 14 days", "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14}, "action": {"type": "expire"}}]}"#;
        let edit = set_cfn_path(ctx.template, res, "LifecyclePolicy.LifecyclePolicyText", &serde_json::json!(text));
        ctx.report(res, range, message).fixes.push(Fix::new(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_repositories_without_lifecycle() {
        let tf = r#"resource "aws_ecr_repository" "none" {
  name = "a"
}
resource "aws_ecr_repository" "ref" {
  name = "b"
}
resource "aws_ecr_lifecycle_policy" "b" {
  repository = aws_ecr_repository.ref.name
}
resource "aws_ecr_repository" "named" {
  name = "c"
}
resource "aws_ecr_lifecycle_policy" "c" {
  repository = "c"
}
module "ecr" {
  source                  = "terraform-aws-modules/ecr/aws"
  create_lifecycle_policy = false
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 18]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: a\n  B:\n    Type: AWS::ECR::Repository\n    Properties:\n      LifecyclePolicy:\n        LifecyclePolicyText: '{}'\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(crate::kit::testing::check_cfn_fixes(&RULE, yaml), 1);
    }
}
