use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::declared::{Cfn, Setting, Tf, Want};
use crate::responsibility::Row;
use crate::rule::{Equivalents, Related, Rule, Severity};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "acm-certificate-transparency-disabled",
    title: "ACM certificate is not recorded in Certificate Transparency logs",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "ACM",
    why: "Without Certificate Transparency logging, mis-issued certificates for the domain are harder to detect, \
          and browsers such as Chrome reject unlogged public certificates.",
    aws_side: "ACM submits public certificates to CT logs unless the customer opts out; private CA certificates \
               are never logged.",
    equivalents: Equivalents { checkov: &["CKV_AWS_234"], kics: &[], trivy: &[] },
    related: Related::NONE,
    matcher: &Setting {
        terraform: Some(Tf {
            types: &["aws_acm_certificate"],
            modules: &[],
            path: "options.certificate_transparency_logging_preference",
            applies: Some(tf_public),
            example: r#"resource "aws_acm_certificate" "site" {
  domain_name       = "www.example.com"
  validation_method = "DNS"

  options {
    certificate_transparency_logging_preference = "DISABLED"
  }
}"#,
            fixed: r#"resource "aws_acm_certificate" "site" {
  domain_name       = "www.example.com"
  validation_method = "DNS"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }
}"#,
        }),
        cloudformation: Some(Cfn {
            types: &["AWS::CertificateManager::Certificate"],
            path: "CertificateTransparencyLoggingPreference",
            applies: Some(cfn_public),
            example: r#"Resources:
  Site:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: www.example.com
      CertificateTransparencyLoggingPreference: DISABLED
"#,
            fixed: r#"Resources:
  Site:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: www.example.com
      CertificateTransparencyLoggingPreference: ENABLED
"#,
        }),
        want: Want::NoneOf { insecure: &["DISABLED"], fix: "ENABLED" },
        absent: None,
        insecure: "mis-issued certificates for the domain are harder to detect, and browsers may reject it",
        fix_title: "Log the certificate in Certificate Transparency",
        ..Setting::DEFAULT
    },
};

/// Private CA certificates are not logged by design.
fn tf_public(_: &TfContext, res: Resource) -> bool {
    res.block.attr("certificate_authority_arn").is_none()
}

fn cfn_public(ctx: &CfnContext, res: CfnResource) -> bool {
    ctx.prop(res, "CertificateAuthorityArn").is_none()
}
