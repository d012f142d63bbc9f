use crate::cloudformation::check::CfnContext;
use crate::fix::{Edit, Fix};
use crate::kit::declared::{is_aws_managed_key, Cfn, Setting, Want, KMS_PLACEHOLDER};
use crate::kit::refs::{reference, RefKind};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Matcher, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::terraform::model::Expr;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "codebuild-not-encrypted-cmk",
    title: "CodeBuild project encrypts artifacts with the AWS-managed key, not a customer key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "CodeBuild",
    why: "Build artifacts and caches contain compiled code, dependencies and often embedded configuration; under \
          the AWS-managed S3 key anyone with S3 read access in the account can decrypt them, while a \
          customer-managed key restricts and audits decryption.",
    aws_side: "CodeBuild always encrypts its output. Choosing the key is the customer's.",
    equivalents: Equivalents { checkov: &[], kics: &["3deec14b-03d2-4d27-9670-7d79322e3340"], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_147"],
        kics: &["d7467bb6-3ed1-4c82-8095-5e7a818d0aad"],
        trivy: &[],
        how: "Checkov accepts any `encryption_key`, AWS-managed aliases included, and skips projects without \
              artifacts; the CloudFormation KICS query's example nests the project one level below `Resources`, \
              which CloudFormation does not deploy.",
    },
    matcher: &Custom {
        what: "Flags CodeBuild projects (`aws_codebuild_project`, `AWS::CodeBuild::Project`) without an \
               `encryption_key`, or whose key is AWS-managed (`alias/aws/...`, or a `data \"aws_kms_key\"` / \
               `data \"aws_kms_alias\"` looking one up).",
        fix: "Set `encryption_key` to a customer-managed KMS key whose policy lets the project's role use it.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_codebuild_project"],
            check,
            example: r#"resource "aws_codebuild_project" "build" {
  name         = "build"
  service_role = aws_iam_role.build.arn
}"#,
            fixed_example: r#"resource "aws_codebuild_project" "build" {
  name         = "build"
  service_role = aws_iam_role.build.arn
  encryption_key = "<customer-managed-kms-key-arn>"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CodeBuild::Project"],
            check: check_cfn,
            example: CFN_EXAMPLE,
            fixed_example: CFN_FIXED,
        }),
    },
};

const CFN_EXAMPLE: &str = r#"Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: !GetAtt BuildRole.Arn
"#;
const CFN_FIXED: &str = r#"Resources:
  Build:
    Type: AWS::CodeBuild::Project
    Properties:
      ServiceRole: !GetAtt BuildRole.Arn
      EncryptionKey: '<customer-managed-kms-key-arn>'
"#;
const WHY: &str = "its artifacts are encrypted with the AWS-managed S3 key, which no key policy of yours governs";
const FIX: &str = "Use a customer-managed KMS key (placeholder to replace)";

static CFN_SETTING: Setting = Setting {
    cloudformation: Some(Cfn {
        types: &["AWS::CodeBuild::Project"],
        path: "EncryptionKey",
        example: CFN_EXAMPLE,
        fixed: CFN_FIXED,
        ..Cfn::DEFAULT
    }),
    want: Want::Kms,
    absent: Some(WHY),
    insecure: WHY,
    ..Setting::DEFAULT
};

/// Whether a key expression is an AWS-managed key: a literal, or a data source looking one up by alias.
fn aws_managed(ctx: &TfContext, expr: &Expr) -> bool {
    if let Some(r) = reference(expr).filter(|r| r.kind == RefKind::Data) {
        let attr = match r.ty.as_str() {
            "aws_kms_key" => "key_id",
            "aws_kms_alias" => "name",
            _ => return false,
        };
        return r
            .targets(ctx)
            .iter()
            .any(|d| ctx.attr(d.block, attr).is_some_and(|(_, v)| v.as_str().is_some_and(is_aws_managed_key)));
    }
    matches!(ctx.eval(expr), Value::String(s) if s.trim().is_empty() || is_aws_managed_key(&s))
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_codebuild_project").collect::<Vec<_>>() {
        let file = ctx.file(res);
        let placeholder = format!("\"{KMS_PLACEHOLDER}\"");
        match ctx.attr(res.block, "encryption_key") {
            None => {
                let fix = Fix::unsafe_(FIX, vec![edit::set_attribute(file, res.block, "encryption_key", &placeholder)]);
                let message = format!("`{}` does not set `encryption_key`: {WHY}", res.address());
                ctx.report_with_fix(res, res.block.header, message, fix);
            }
            Some((attr, _)) if aws_managed(ctx, &attr.expr) => {
                let fix = Fix::unsafe_(FIX, vec![Edit { range: attr.expr.range, text: placeholder }]);
                let message = format!("`{}` encrypts its artifacts with an AWS-managed key", res.address());
                ctx.report_with_fix(res, attr.range, message, fix);
            }
            Some(_) => {}
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    CFN_SETTING.check_cloudformation(ctx);
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_example, cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_projects_without_a_customer_key() {
        let tf = r#"resource "aws_codebuild_project" "none" {
  name = "a"
}
resource "aws_codebuild_project" "managed" {
  encryption_key = data.aws_kms_key.by_alias.arn
}
data "aws_kms_key" "by_alias" {
  key_id = "alias/aws/s3"
}
resource "aws_codebuild_project" "mine" {
  encryption_key = data.aws_kms_key.mine.arn
}
data "aws_kms_key" "mine" {
  key_id = "alias/myAlias"
}
resource "aws_codebuild_project" "literal" {
  encryption_key = "alias/aws/s3"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5, 17]);
        assert_eq!(check_fixes(&RULE, tf), 3);
        let (bad, good) = cfn_example(&RULE);
        assert_eq!(cfn_lines(&RULE, &bad), [2]);
        assert_eq!(check_cfn_fixes(&RULE, &bad), 1);
        assert!(cfn_lines(&RULE, &good).is_empty());
    }
}
