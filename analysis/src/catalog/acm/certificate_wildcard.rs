use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "acm-certificate-wildcard",
    title: "ACM certificate covers a wildcard domain",
    severity: Severity::Low,
    row: Row::ManagedServiceConfig,
    service: "ACM",
    why: "One wildcard key authenticates every host of the domain; if any service holding it is compromised, all \
          subdomains can be impersonated. Wildcards are often deliberate: suppress the finding there.",
    aws_side: "ACM protects the private key of the certificates it issues; choosing the certificate's scope is the \
               customer's.",
    equivalents: Equivalents { checkov: &["CKV2_AWS_71"], kics: &["cc8b294f-006f-4f8f-b5bb-0a9140c33131"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags `aws_acm_certificate` requests whose `domain_name` or `subject_alternative_names` contain `*`; \
               in CloudFormation, `AWS::CertificateManager::Certificate` `DomainName` and `SubjectAlternativeNames`. \
               Imported certificates (`certificate_body`) are not requested here and are skipped.",
        fix: "Request a certificate per host name (or per service) instead of a wildcard.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_acm_certificate"],
            check,
            example: r#"resource "aws_acm_certificate" "site" {
  domain_name       = "*.example.com"
  validation_method = "DNS"
}"#,
            fixed_example: r#"resource "aws_acm_certificate" "site" {
  domain_name       = "www.example.com"
  validation_method = "DNS"
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CertificateManager::Certificate"],
            check: check_cfn,
            example: r#"Resources:
  Site:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: '*.example.com'
      ValidationMethod: DNS
"#,
            fixed_example: r#"Resources:
  Site:
    Type: AWS::CertificateManager::Certificate
    Properties:
      DomainName: www.example.com
      ValidationMethod: DNS
"#,
        }),
    },
};

fn wildcards(v: &Value) -> Vec<String> {
    v.one_or_many().into_iter().filter_map(Value::as_str).filter(|d| d.contains('*')).map(str::to_string).collect()
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_acm_certificate").collect::<Vec<_>>() {
        if res.block.attr("certificate_body").is_some() {
            continue;
        }
        for name in ["domain_name", "subject_alternative_names"] {
            let Some((attr, v)) = ctx.attr(res.block, name) else { continue };
            let found = wildcards(&v);
            if !found.is_empty() {
                let message = format!(
                    "`{}` covers the wildcard `{}`: its one key authenticates every host of the domain",
                    res.address(),
                    found.join("`, `")
                );
                ctx.report(res, attr.range, message);
            }
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::CertificateManager::Certificate").collect::<Vec<_>>() {
        for name in ["DomainName", "SubjectAlternativeNames"] {
            let Some((node, v)) = ctx.prop(res, name) else { continue };
            let found = wildcards(&v);
            if !found.is_empty() {
                let range = ctx.prop_range(res, name).unwrap_or(node.range);
                let message = format!(
                    "`{}` covers the wildcard `{}`: its one key authenticates every host of the domain",
                    res.logical_id,
                    found.join("`, `")
                );
                ctx.report(res, range, message);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn wildcard_domains() {
        let tf = "resource \"aws_acm_certificate\" \"a\" {\n  domain_name               = \"example.com\"\n  subject_alternative_names = [\"*.example.com\"]\n}\nresource \"aws_acm_certificate\" \"b\" {\n  domain_name = \"www.example.com\"\n}\nresource \"aws_acm_certificate\" \"imported\" {\n  domain_name      = \"*.example.com\"\n  certificate_body = var.body\n}\n";
        assert_eq!(lines(&RULE, tf), [3]);
        let yaml = "Resources:\n  A:\n    Type: AWS::CertificateManager::Certificate\n    Properties:\n      DomainName: \"*\"\n  B:\n    Type: AWS::CertificateManager::Certificate\n    Properties:\n      DomainName: CMDomain\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5]);
    }
}
