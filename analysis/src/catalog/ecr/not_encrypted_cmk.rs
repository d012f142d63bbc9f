use crate::cloudformation::check::CfnContext;
use crate::fix::Fix;
use crate::kit::declared::{is_aws_managed_key, KMS_PLACEHOLDER};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "ecr-not-encrypted-cmk",
    title: "ECR repository is not encrypted with a customer-managed KMS key",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "ECR",
    why: "Images often embed configuration, internal code and sometimes secrets; with a customer-managed key you \
          decide which principals and accounts can pull and decrypt them, and every decryption is logged.",
    aws_side: "AWS encrypts images at rest either way, with AES-256 keys it owns by default. Choosing and governing \
               a customer-managed key is the customer's.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["0e32d561-4b5a-4664-a6e3-a3fa85649157"],
        trivy: &["AVD-AWS-0033", "aws-ecr-repository-customer-key"],
    },
    related: Related {
        checkov: &["CKV_AWS_136"],
        kics: &[],
        trivy: &[],
        how: "Checkov accepts `KMS` encryption with the AWS-managed `aws/ecr` key (no `kms_key`); onus requires a \
              customer-managed key.",
    },
    matcher: &Custom {
        what: "Flags ECR repositories (`aws_ecr_repository`, `terraform-aws-modules/ecr` calls, \
               `AWS::ECR::Repository`) without `encryption_configuration`, with `encryption_type` `AES256`, or with \
               `KMS` and no customer-managed `kms_key`.",
        fix: "Set `encryption_configuration { encryption_type = \"KMS\" kms_key = <customer key ARN> }` (changing it \
              replaces the repository: push the images again).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecr_repository"],
            check,
            example: r#"resource "aws_ecr_repository" "app" {
  name = "app"
}"#,
            fixed_example: r#"resource "aws_ecr_repository" "app" {
  name = "app"
  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = "<customer-managed-kms-key-arn>"
  }
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
      EncryptionConfiguration:
        EncryptionType: KMS
        KmsKey: '<customer-managed-kms-key-arn>'
"#,
        }),
    },
};

const FIX: &str = "Encrypt with a customer-managed KMS key (replaces the repository; placeholder to replace)";

/// What is wrong with a repository's encryption, from its type and key (`None`: fine or not known).
fn problem(ty: Option<&Value>, key: Option<&Value>) -> Option<&'static str> {
    let ty = match ty {
        None | Some(Value::Null) => "AES256".to_string(),
        Some(Value::String(s)) => s.to_ascii_uppercase(),
        Some(_) => return None,
    };
    if ty == "AES256" {
        return Some("is encrypted with AES-256 keys ECR owns, which no key policy of yours governs");
    }
    match key {
        None | Some(Value::Null) => Some("uses the AWS-managed `aws/ecr` key, which no key policy of yours governs"),
        Some(Value::String(s)) if s.trim().is_empty() || is_aws_managed_key(s) => {
            Some("uses an AWS-managed key, which no key policy of yours governs")
        }
        _ => None,
    }
}

fn check(ctx: &mut TfContext) {
    let block = format!(
        "encryption_configuration {{\n  encryption_type = \"KMS\"\n  kms_key         = \"{KMS_PLACEHOLDER}\"\n}}"
    );
    for res in ctx.resources_like("aws_ecr_repository", "ecr").collect::<Vec<_>>() {
        let file = ctx.file(res);
        if res.is_module() {
            let ty = ctx.attr(res.block, "repository_encryption_type").map(|(_, v)| v);
            let key = ctx.attr(res.block, "repository_kms_key").map(|(_, v)| v);
            if let Some(why) = problem(ty.as_ref(), key.as_ref()) {
                let message = format!("`{}` {why}", res.address());
                let range = res.block.attr("repository_encryption_type").map_or(res.block.header, |a| a.range);
                ctx.report(res, range, message);
            }
            continue;
        }
        let configs = ctx.nested(res.config(), "encryption_configuration");
        let Some(config) = configs.first().copied() else {
            let message = format!("`{}` {}", res.address(), problem(None, None).unwrap_or_default());
            let fix = Fix::unsafe_(FIX, vec![edit::insert_in_block(file, res.block, &block)]);
            ctx.report_with_fix(res, res.block.header, message, fix);
            continue;
        };
        if config.is_dynamic() {
            continue;
        }
        let ty = ctx.field(config, "encryption_type").map(|(_, v)| v);
        let key = ctx.field(config, "kms_key").map(|(_, v)| v);
        if let Some(why) = problem(ty.as_ref(), key.as_ref()) {
            let message = format!("`{}` {why}", res.address());
            ctx.report(res, config.header(), message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECR::Repository").collect::<Vec<_>>() {
        if res.properties.is_some_and(|p| p.intrinsic().is_some()) {
            continue;
        }
        let ty = ctx.prop(res, "EncryptionConfiguration.EncryptionType").map(|(_, v)| v);
        let key = ctx.prop(res, "EncryptionConfiguration.KmsKey").map(|(_, v)| v);
        let config = ctx.prop(res, "EncryptionConfiguration");
        if config.as_ref().is_some_and(|(n, _)| n.intrinsic().is_some()) {
            continue;
        }
        let Some(why) = problem(ty.as_ref(), key.as_ref()) else { continue };
        let message = format!("`{}` {why}", res.logical_id);
        let range = ctx.prop_range(res, "EncryptionConfiguration").unwrap_or(ctx.header(res));
        let value = serde_json::json!({"EncryptionType": "KMS", "KmsKey": KMS_PLACEHOLDER});
        let edit = crate::cloudformation::edit::set_property(ctx.template, res, "EncryptionConfiguration", &value);
        ctx.report(res, range, message).fixes.push(Fix::unsafe_(FIX, vec![edit]));
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, check_cfn_fixes, check_fixes, lines};

    #[test]
    fn flags_repositories_without_a_customer_key() {
        let tf = r#"resource "aws_ecr_repository" "none" {
  name = "a"
}
resource "aws_ecr_repository" "aes" {
  encryption_configuration {
    encryption_type = "AES256"
  }
}
resource "aws_ecr_repository" "managed" {
  encryption_configuration {
    encryption_type = "KMS"
  }
}
resource "aws_ecr_repository" "cmk" {
  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = aws_kms_key.ecr.arn
  }
}
module "ecr" {
  source = "terraform-aws-modules/ecr/aws"
}
"#;
        assert_eq!(lines(&RULE, tf), [1, 5, 10, 20]);
        assert_eq!(check_fixes(&RULE, tf), 1);
        let yaml = "Resources:\n  A:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: a\n  B:\n    Type: AWS::ECR::Repository\n    Properties:\n      EncryptionConfiguration:\n        EncryptionType: KMS\n        KmsKey: !Ref Key\n";
        assert_eq!(cfn_lines(&RULE, yaml), [2]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
