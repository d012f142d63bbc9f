use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "cloudfront-outdated-tls",
    title: "CloudFront accepts viewer TLS versions older than 1.2",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "CloudFront",
    why: "TLS 1.0 and 1.1 are deprecated (RFC 8996) and have known weaknesses; a viewer that can be \
          downgraded to them exposes its session. PCI DSS and most compliance baselines require TLS 1.2 or \
          later for anything carrying credentials or personal data.",
    aws_side: "AWS offers security policies from SSLv3 to TLS 1.3 and applies the one the distribution names; \
               with the default CloudFront certificate it keeps TLS 1.0 for compatibility. Choosing a custom \
               certificate and a modern policy is the customer's duty.",
    equivalents: Equivalents { checkov: &["CKV_AWS_174"], kics: &["00e5e55e-c2ff-46b3-a757-a7a1cd802456"], trivy: &[] },
    related: Related {
        checkov: &[],
        kics: &[
            "dc17ee4b-ddf2-4e23-96e8-7a36abad1303",
            "5c0003fb-9aa0-42c1-9da3-eb0e332bef21",
            "be96849c-3df6-49c2-bc16-778a7be2519c",
            "3a1e94df-6847-4c0e-a3b6-6c6af4e128ef",
            "b4d9c12b-bfba-4aeb-9cb8-2358546d8041",
        ],
        trivy: &["AVD-AWS-0013", "aws-cloudfront-use-secure-tls-policy"],
        how: "Trivy's AVD-AWS-0013 skips distributions on the default CloudFront certificate, which this rule flags, \
              and accepts only TLSv1.2_2021, where this rule also accepts TLSv1.2_2018, TLSv1.2_2019 and the 2025 \
              policies. KICS's CloudFormation CloudFront Without Minimum Protocol TLS 1.2 (dc17ee4b) skips \
              distributions with `Enabled: false` and passes a certificate, the default CloudFront one included, \
              that leaves `MinimumProtocolVersion` out, which this rule flags, and fails the 2025 policies, which \
              this rule accepts. KICS's Terraform Secure Ciphers Disabled (5c0003fb) judges only distributions that \
              write `cloudfront_default_certificate = false`, and passes `TLSv1.1_2016`, which this rule flags; its \
              CloudFormation query (be96849c) reads `ViewerCertificate` directly under `Properties`, where a \
              distribution has none, so it flags no template that deploys. KICS's Vulnerable Default SSL Certificate \
              fails the default certificate and an own certificate without a minimum protocol version or without an \
              SSL support method (which both formats require with one), but passes an old policy written out, \
              such as `TLSv1` (3a1e94df, b4d9c12b), which this rule flags; in CloudFormation (b4d9c12b) \
              it reads the default certificate under a misspelt `CloudfrontDefaultCertificate`.",
    },
    matcher: &Custom {
        what: "Flags `aws_cloudfront_distribution` resources whose viewer certificate allows TLS below 1.2: no \
               `viewer_certificate`, the default `*.cloudfront.net` certificate (which always accepts TLS 1.0), or \
               a `minimum_protocol_version` absent (`TLSv1`) or older than `TLSv1.2_2018`.",
        fix: "Use your own certificate (ACM) with `ssl_support_method = \"sni-only\"` and \
              `minimum_protocol_version = \"TLSv1.2_2021\"`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudfront_distribution"],
            check,
            example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate.site.arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1_2016"
  }
}"#,
            fixed_example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate.site.arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::CloudFront::Distribution"],
            check: check_cfn,
            example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        ViewerCertificate:
          AcmCertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc
          SslSupportMethod: sni-only
          MinimumProtocolVersion: TLSv1.1_2016
"#,
            fixed_example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        ViewerCertificate:
          AcmCertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc
          SslSupportMethod: sni-only
          MinimumProtocolVersion: TLSv1.2_2021
"#,
        }),
    },
};

const MODERN: [&str; 5] = ["TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];
const SECURE: &str = "\"TLSv1.2_2021\"";

/// `DistributionConfig.ViewerCertificate` of templates. The default certificate is judged only when the
/// template names no certificate of its own (`AcmCertificateArn`, `IamCertificateId`): naming both is
/// contradictory, and then the asked-for `MinimumProtocolVersion` is what is judged.
fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::CloudFront::Distribution").collect::<Vec<_>>() {
        let Some((config, _)) = ctx.prop(res, "DistributionConfig") else { continue };
        let name = res.logical_id;
        let Some(cert) = config.get("ViewerCertificate") else {
            let range = ctx.prop_range(res, "DistributionConfig").unwrap_or(config.range);
            ctx.report(res, range, format!("`{name}` has no `ViewerCertificate`, so viewers may use TLS 1.0"));
            continue;
        };
        let own = ["AcmCertificateArn", "IamCertificateId"].iter().any(|k| cert.get(k).is_some());
        if let Some(entry) = cert.entry("CloudFrontDefaultCertificate").filter(|_| !own) {
            match ctx.eval(&entry.value).as_bool() {
                Some(true) => {
                    let message = format!(
                        "`{name}` uses the default CloudFront certificate, which always accepts TLS 1.0: use your own certificate with a TLS 1.2 policy"
                    );
                    ctx.report(res, entry.range, message);
                    continue;
                }
                Some(false) => {}
                None => continue,
            }
        }
        if !own && cert.get("CloudFrontDefaultCertificate").is_none() {
            continue;
        }
        match cert.entry("MinimumProtocolVersion") {
            None => {
                let edit =
                    cfn_edit::set_key(ctx.template, cert, "MinimumProtocolVersion", &serde_json::json!("TLSv1.2_2021"));
                let message = format!("`{name}` does not set `MinimumProtocolVersion`, so viewers may use TLS 1.0");
                let range = config.entry("ViewerCertificate").map(|e| e.key_range).unwrap_or(cert.range);
                ctx.report(res, range, message).fixes.push(Fix::new("Require TLS 1.2", vec![edit]));
            }
            Some(entry) => {
                let value = ctx.eval(&entry.value);
                let Some(version) = value.as_str() else { continue };
                if MODERN.contains(&version) {
                    continue;
                }
                let edit = cfn_edit::replace_value(ctx.template, &entry.value, &serde_json::json!("TLSv1.2_2021"));
                let message = format!("`{name}` accepts viewer connections down to {version}");
                ctx.report(res, entry.range, message).fixes.push(Fix::new("Require TLS 1.2", vec![edit]));
            }
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_cloudfront_distribution").collect::<Vec<Resource>>() {
        let address = res.address();
        let Some(cert) = ctx.block_of(res.block, "viewer_certificate") else {
            ctx.report(
                res,
                res.block.header,
                format!("`{address}` has no `viewer_certificate`, so viewers may use TLS 1.0"),
            );
            continue;
        };
        if let Some((attr, v)) = ctx.attr(cert, "cloudfront_default_certificate") {
            match v.as_bool() {
                Some(true) => {
                    let message = format!(
                        "`{address}` uses the default CloudFront certificate, which always accepts TLS 1.0: use your own certificate with a TLS 1.2 policy"
                    );
                    ctx.report(res, attr.range, message);
                    continue;
                }
                Some(false) => {}
                None => continue,
            }
        }
        let file = ctx.file(res);
        match ctx.attr(cert, "minimum_protocol_version") {
            None => {
                let fix = Fix::new(
                    "Require TLS 1.2",
                    vec![edit::set_attribute(file, cert, "minimum_protocol_version", SECURE)],
                );
                let message =
                    format!("`{address}` does not set `minimum_protocol_version`, so viewers may use TLS 1.0");
                ctx.report_with_fix(res, cert.header, message, fix);
            }
            Some((attr, v)) => {
                let Some(version) = v.as_str() else { continue };
                if MODERN.contains(&version) {
                    continue;
                }
                let fix = Fix::new("Require TLS 1.2", vec![Edit { range: attr.expr.range, text: SECURE.into() }]);
                let message = format!("`{address}` accepts viewer connections down to {version}");
                ctx.report_with_fix(res, attr.range, message, fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_missing_default_and_old_versions() {
        let text = r#"resource "aws_cloudfront_distribution" "a" {
  enabled = true
}
resource "aws_cloudfront_distribution" "b" {
  viewer_certificate {
    cloudfront_default_certificate = true
  }
}
resource "aws_cloudfront_distribution" "c" {
  viewer_certificate {
    cloudfront_default_certificate = false
  }
}
resource "aws_cloudfront_distribution" "d" {
  viewer_certificate {
    minimum_protocol_version = "TLSv1.1_2016"
  }
}
"#;
        assert_eq!(lines(&RULE, text), vec![1, 6, 10, 16]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }

    #[test]
    fn ignores_modern_and_unknown_versions() {
        let text = r#"resource "aws_cloudfront_distribution" "a" {
  viewer_certificate {
    cloudfront_default_certificate = false
    minimum_protocol_version       = "TLSv1.2_2019"
  }
}
resource "aws_cloudfront_distribution" "b" {
  viewer_certificate {
    acm_certificate_arn      = var.cert
    minimum_protocol_version = var.tls
  }
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_viewer_certificates() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        ViewerCertificate:\n          AcmCertificateArn: arn\n          MinimumProtocolVersion: TLSv1.1_2016\n  B:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        Enabled: true\n  C:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        ViewerCertificate: {CloudFrontDefaultCertificate: true}\n  D:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        ViewerCertificate: {AcmCertificateArn: arn, MinimumProtocolVersion: TLSv1.2_2021}\n  E:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        ViewerCertificate: {IamCertificateId: x, SslSupportMethod: sni-only}\n  F:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        ViewerCertificate: {AcmCertificateArn: arn, MinimumProtocolVersion: !Ref V}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [8, 12, 18, 28]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
    }
}
