use serde_json::json;

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::Fix;
use crate::kit::setting::{cfn_has_any, cfn_lower, set_cfn_path};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{is_registry_module, Resource, TfContext};
use crate::terraform::edit;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "ec2-imdsv1-enabled",
    title: "Instance metadata service accepts IMDSv1 (no session token)",
    severity: Severity::High,
    row: Row::OsPatching,
    service: "EC2",
    why: "IMDSv1 answers any plain HTTP GET from the instance. A server-side request forgery bug, an open proxy \
          or a misconfigured reverse proxy in the application is then enough to read the instance role's \
          temporary credentials, as in the 2019 Capital One breach. IMDSv2's session token defeats these \
          attacks.",
    aws_side: "AWS runs the metadata service and offers IMDSv2, but keeps IMDSv1 available unless the instance, \
               its AMI (`ImdsSupport = v2.0`) or the account default requires tokens. Requiring them, and \
               keeping the software on the instance compatible, is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_79"],
        kics: &[],
        trivy: &[
            "AVD-AWS-0028",
            "aws-ec2-enforce-http-token-imds",
            "AVD-AWS-0130",
            "aws-ec2-enforce-launch-config-http-token-imds",
        ],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_instance`, `aws_launch_template` and `aws_launch_configuration` resources whose metadata \
               service is enabled without `http_tokens = \"required\"`: `metadata_options` absent, `http_tokens` \
               absent or `\"optional\"`. Absent values are not flagged when the configuration sets the account \
               default to required (`aws_ec2_instance_metadata_defaults`). Also module inputs that say `optional`. \
               In CloudFormation, `AWS::EC2::Instance` (unless it is launched from a launch template), \
               `AWS::EC2::LaunchTemplate` (`LaunchTemplateData.MetadataOptions`) and \
               `AWS::AutoScaling::LaunchConfiguration` without `HttpTokens: required`.",
        fix: "Add `metadata_options { http_endpoint = \"enabled\"  http_tokens = \"required\" }` (with \
              `http_put_response_hop_limit = 1`, or 2 for containers), or set the account default with \
              `aws_ec2_instance_metadata_defaults`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_instance", "aws_launch_template", "aws_launch_configuration"],
            check,
            example: r#"resource "aws_instance" "web" {
  ami           = "ami-123456"
  instance_type = "t3.micro"
}"#,
            fixed_example: r#"resource "aws_instance" "web" {
  ami           = "ami-123456"
  instance_type = "t3.micro"

  metadata_options {
    http_endpoint = "enabled"
    http_tokens   = "required"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &[CFN_INSTANCE, CFN_TEMPLATE, CFN_LAUNCH_CONFIG],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-123456
      InstanceType: t3.micro
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-123456
      InstanceType: t3.micro
      MetadataOptions:
        HttpTokens: required
"#,
        }),
    },
};

const TYPES: [&str; 3] = ["aws_instance", "aws_launch_template", "aws_launch_configuration"];

/// Whether the configuration sets the region's default to require tokens.
fn account_requires_tokens(ctx: &TfContext) -> bool {
    ctx.all_resources("aws_ec2_instance_metadata_defaults")
        .any(|r| ctx.attr(r.block, "http_tokens").is_some_and(|(_, v)| v.as_str() == Some("required")))
}

fn check(ctx: &mut TfContext) {
    let defaults_required = account_requires_tokens(ctx);
    let mut targets: Vec<Resource> = TYPES.iter().flat_map(|ty| ctx.resources(ty)).collect();
    let modules: Vec<Resource> = ctx
        .blocks("module")
        .filter(|r| is_registry_module(r.block, "ec2-instance") || is_registry_module(r.block, "autoscaling"))
        .collect();
    targets.extend(modules);
    for res in targets {
        let file = ctx.file(res);
        let options = ctx.nested(res.config(), "metadata_options").into_iter().next();
        let Some(options) = options else {
            if defaults_required || res.is_module() {
                continue;
            }
            let block = "metadata_options {\n  http_endpoint = \"enabled\"\n  http_tokens   = \"required\"\n}";
            let fix = Fix::new("Require IMDSv2 tokens", vec![edit::insert_in_block(file, res.block, block)]);
            let message = format!("`{}` has no `metadata_options`, so IMDSv1 stays available", res.address());
            ctx.report_with_fix(res, res.block.header, message, fix);
            continue;
        };
        let get = |name: &str| options.attr(name).map(|f| ctx.value(f));
        if get("http_endpoint").is_some_and(|v| v.as_str() == Some("disabled")) {
            continue;
        }
        match options.attr("http_tokens") {
            None => {
                if defaults_required || res.is_module() {
                    continue;
                }
                let Some(block) = options.block() else { continue };
                let fix = Fix::new(
                    "Require IMDSv2 tokens",
                    vec![edit::set_attribute(file, block, "http_tokens", "\"required\"")],
                );
                let message = format!("`{}` does not set `http_tokens`, so IMDSv1 stays available", res.address());
                ctx.report_with_fix(res, options.header(), message, fix);
            }
            Some(field) => {
                if ctx.value(field).as_str() != Some("optional") {
                    continue;
                }
                let fix = Fix::new(
                    "Require IMDSv2 tokens",
                    vec![crate::fix::Edit { range: field.expr.range, text: "\"required\"".into() }],
                );
                let message = format!("`{}` allows IMDSv1 (`http_tokens = \"optional\"`)", res.address());
                ctx.report_with_fix(res, field.range, message, fix);
            }
        }
    }
}

const CFN_INSTANCE: &str = "AWS::EC2::Instance";
const CFN_TEMPLATE: &str = "AWS::EC2::LaunchTemplate";
const CFN_LAUNCH_CONFIG: &str = "AWS::AutoScaling::LaunchConfiguration";

fn check_cfn(ctx: &mut CfnContext) {
    let mut targets = Vec::new();
    for res in ctx.resources(CFN_INSTANCE) {
        // An instance launched from a template takes its metadata options from there unless it sets its own.
        if cfn_has_any(res, &["MetadataOptions"]) || !cfn_has_any(res, &["LaunchTemplate"]) {
            targets.push((res, "MetadataOptions"));
        }
    }
    targets.extend(ctx.resources(CFN_TEMPLATE).map(|r| (r, "LaunchTemplateData.MetadataOptions")));
    targets.extend(ctx.resources(CFN_LAUNCH_CONFIG).map(|r| (r, "MetadataOptions")));
    for (res, options) in targets {
        if cfn_lower(ctx, res, &format!("{options}.HttpEndpoint")).as_str() == Some("disabled") {
            continue;
        }
        let tokens = format!("{options}.HttpTokens");
        match ctx.prop(res, &tokens) {
            None | Some((_, Value::Null)) => {
                if options.starts_with("LaunchTemplateData") && ctx.prop(res, "LaunchTemplateData").is_none() {
                    continue;
                }
                let edit = set_cfn_path(ctx.template, res, &tokens, &json!("required"));
                let range = ctx.prop_range(res, options).unwrap_or(ctx.header(res));
                let message =
                    format!("`{}` does not set `HttpTokens: required`, so IMDSv1 stays available", res.logical_id);
                ctx.report(res, range, message).fixes.push(Fix::new("Require IMDSv2 tokens", vec![edit]));
            }
            Some((node, v)) if v.as_str().is_some_and(|t| t.eq_ignore_ascii_case("optional")) => {
                let range = ctx.prop_range(res, &tokens).unwrap_or(node.range);
                let edit = cfn_edit::replace_value(ctx.template, node, &json!("required"));
                let message = format!("`{}` allows IMDSv1 (`HttpTokens: optional`)", res.logical_id);
                ctx.report(res, range, message).fixes.push(Fix::new("Require IMDSv2 tokens", vec![edit]));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_absent_and_optional_tokens() {
        let text = r#"resource "aws_instance" "a" {
  ami = "ami-1"
}
resource "aws_launch_template" "b" {
  metadata_options {
    http_endpoint = "enabled"
  }
}
resource "aws_launch_configuration" "c" {
  metadata_options {
    http_tokens = "optional"
  }
}
module "ec2" {
  source           = "terraform-aws-modules/ec2-instance/aws"
  metadata_options = { http_tokens = "optional" }
}
"#;
        assert_eq!(lines(&RULE, text), vec![1, 5, 11, 16]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }

    #[test]
    fn ignores_required_disabled_unknown_and_account_default() {
        let text = r#"resource "aws_instance" "a" {
  metadata_options {
    http_tokens = "required"
  }
}
resource "aws_instance" "b" {
  metadata_options {
    http_endpoint = "disabled"
  }
}
resource "aws_instance" "c" {
  metadata_options {
    http_tokens = var.tokens
  }
}
module "ec2" {
  source = "terraform-aws-modules/ec2-instance/aws"
}
"#;
        assert!(lines(&RULE, text).is_empty());
        let text = r#"resource "aws_ec2_instance_metadata_defaults" "d" {
  http_tokens = "required"
}
resource "aws_instance" "a" {
  ami = "ami-1"
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_instances_templates_and_launch_configurations() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Parameters:
  Tokens:
    Type: String
Resources:
  Bare:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
  Optional:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions:
          HttpTokens: optional
  Lc:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      MetadataOptions:
        HttpEndpoint: enabled
  Required:
    Type: AWS::EC2::Instance
    Properties:
      MetadataOptions:
        HttpTokens: required
  Disabled:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        MetadataOptions:
          HttpEndpoint: disabled
  FromTemplate:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate:
        LaunchTemplateId: !Ref Optional
        Version: 1
  Unknown:
    Type: AWS::EC2::Instance
    Properties:
      MetadataOptions:
        HttpTokens: !Ref Tokens
";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 14, 18]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 3);
    }
}
