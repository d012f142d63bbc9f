use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "ecr-tag-mutable",
    title: "ECR repository allows image tags to be overwritten",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "ECR",
    why: "With mutable tags anyone who can push can silently replace the image behind `v1.4.2` or `prod`: \
          deployments then run code nobody reviewed or scanned, rollbacks are not reproducible, and a stolen \
          CI credential becomes a supply-chain attack on every service that pulls the tag.",
    aws_side: "AWS stores the images and enforces tag immutability when the repository is configured for it. \
               The setting is the customer's: repositories are created with mutable tags unless told otherwise.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_51"],
        kics: &["d1846b12-20c5-4d45-8798-fc35b79268eb", "33f41d31-86b1-46a4-81f7-9c9a671f59ac"],
        trivy: &["AVD-AWS-0031", "aws-ecr-enforce-immutable-repository"],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags ECR repositories whose `image_tag_mutability` is absent (the provider default is `MUTABLE`), \
               `MUTABLE` or `MUTABLE_WITH_EXCLUSION`; for `terraform-aws-modules/ecr` (default `IMMUTABLE`), an \
               explicit mutable setting.",
        fix: "Set `image_tag_mutability = \"IMMUTABLE\"` (or `IMMUTABLE_WITH_EXCLUSION` with filters for the few \
              tags, such as `latest`, that must move), and publish every build under a new tag.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecr_repository"],
            check,
            example: r#"resource "aws_ecr_repository" "app" {
  name                 = "app"
  image_tag_mutability = "MUTABLE"
}"#,
            fixed_example: r#"resource "aws_ecr_repository" "app" {
  name                 = "app"
  image_tag_mutability = "IMMUTABLE"
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
      ImageTagMutability: MUTABLE
"#,
            fixed_example: r#"Resources:
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      ImageTagMutability: IMMUTABLE
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECR::Repository").collect::<Vec<_>>() {
        let id = res.logical_id;
        let fix = Fix::new(
            "Make image tags immutable",
            vec![cfn_edit::set_property(ctx.template, res, "ImageTagMutability", &json!("IMMUTABLE"))],
        );
        match ctx.prop(res, "ImageTagMutability") {
            None => {
                let message = format!("`{id}` does not set `ImageTagMutability`, so its image tags can be overwritten");
                let range = ctx.header(res);
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some((node, v)) => {
                let range = ctx.prop_range(res, "ImageTagMutability").unwrap_or(node.range);
                match v.as_str().map(str::to_ascii_uppercase).as_deref() {
                    Some("MUTABLE") => {
                        ctx.report(res, range, format!("`{id}` lets image tags be overwritten")).fixes.push(fix);
                    }
                    Some("MUTABLE_WITH_EXCLUSION") => {
                        let message = format!("`{id}` lets every image tag but the excluded ones be overwritten");
                        ctx.report(res, range, message);
                    }
                    _ => {}
                }
            }
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources_like("aws_ecr_repository", "ecr").collect::<Vec<_>>() {
        let attr_name = if res.is_module() { "repository_image_tag_mutability" } else { "image_tag_mutability" };
        let file = ctx.file(res);
        let address = res.address();
        let fix = || {
            Fix::new(
                "Make image tags immutable",
                vec![edit::set_attribute(file, res.block, attr_name, "\"IMMUTABLE\"")],
            )
        };
        match ctx.attr(res.block, attr_name) {
            None if !res.is_module() => ctx.report_with_fix(
                res,
                res.block.header,
                format!("`{address}` does not set `image_tag_mutability`, so its image tags can be overwritten"),
                fix(),
            ),
            None => {}
            Some((attr, v)) => match v.as_str().map(str::to_ascii_uppercase).as_deref() {
                Some("MUTABLE") => {
                    ctx.report_with_fix(res, attr.range, format!("`{address}` lets image tags be overwritten"), fix())
                }
                // Filters name the tags that stay immutable; replacing the mode needs them rethought.
                Some("MUTABLE_WITH_EXCLUSION") => {
                    ctx.report(
                        res,
                        attr.range,
                        format!("`{address}` lets every image tag but the excluded ones be overwritten"),
                    );
                }
                _ => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_mutable_tags() {
        let text = r#"
resource "aws_ecr_repository" "mutable" {
  name                 = "bar"
  image_tag_mutability = "MUTABLE"
}
resource "aws_ecr_repository" "absent" {
  name = "bar"
}
resource "aws_ecr_repository" "excluded" {
  image_tag_mutability = "MUTABLE_WITH_EXCLUSION"
}
resource "aws_ecr_repository" "immutable" {
  image_tag_mutability = "IMMUTABLE"
}
resource "aws_ecr_repository" "immutable_excl" {
  image_tag_mutability = "IMMUTABLE_WITH_EXCLUSION"
}
resource "aws_ecr_repository" "unknown" {
  image_tag_mutability = var.mutability
}
module "ecr_default" {
  source = "terraform-aws-modules/ecr/aws"
}
module "ecr_mutable" {
  source                          = "terraform-aws-modules/ecr/aws"
  repository_image_tag_mutability = "MUTABLE"
}
"#;
        assert_eq!(lines(&RULE, text), [4, 6, 10, 26]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Parameters:
  Mutability: {Type: String}
Resources:
  Mutable:
    Type: AWS::ECR::Repository
    Properties:
      ImageTagMutability: "MUTABLE"
  Absent:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: x
  Excluded:
    Type: AWS::ECR::Repository
    Properties:
      ImageTagMutability: MUTABLE_WITH_EXCLUSION
  Immutable:
    Type: AWS::ECR::Repository
    Properties:
      ImageTagMutability: IMMUTABLE
  Unknown:
    Type: AWS::ECR::Repository
    Properties:
      ImageTagMutability: !Ref Mutability
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [7, 8, 15]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        let json = r#"{"Resources": {"R": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "r"}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }
}
