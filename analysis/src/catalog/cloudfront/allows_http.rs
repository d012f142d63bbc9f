use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};

pub static RULE: Rule = Rule {
    id: "cloudfront-allows-http",
    title: "CloudFront serves content over plain HTTP",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "CloudFront",
    why: "With `allow-all`, viewers can fetch the site over plain HTTP: cookies, tokens and pages travel in \
          clear and can be read or altered on the way (injected scripts, ads, malware), and users who type the \
          bare domain never reach HTTPS.",
    aws_side: "AWS serves HTTPS on every distribution at no cost, but honours the viewer protocol policy the \
               customer chooses for each cache behaviour.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_34"],
        kics: &["55af1353-2f62-4fa0-a8e1-a210ca2708f5", "31733ee2-fef0-4e87-9778-65da22a8ecf1"],
        trivy: &["AVD-AWS-0012", "aws-cloudfront-enforce-https"],
    },
    related: Related {
        checkov: &[],
        kics: &["a5366a50-932f-4085-896b-41402714a388"],
        trivy: &[],
        how: "KICS's CloudFormation Connection Between CloudFront Origin Not Encrypted (a5366a50) reads \
              `CacheBehaviors` as one mapping, so it misses `allow-all` in the behaviours of the list, which this \
              rule flags.",
    },
    matcher: &Custom {
        what: "Flags `aws_cloudfront_distribution` cache behaviours (`default_cache_behavior` and every \
               `ordered_cache_behavior`) whose `viewer_protocol_policy` is `allow-all`.",
        fix: "Set `viewer_protocol_policy = \"redirect-to-https\"` (or `https-only`) on every cache behaviour.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_cloudfront_distribution"],
            check,
            example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  default_cache_behavior {
    target_origin_id       = "s3"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    viewer_protocol_policy = "allow-all"
  }
}"#,
            fixed_example: r#"resource "aws_cloudfront_distribution" "site" {
  enabled = true

  default_cache_behavior {
    target_origin_id       = "s3"
    allowed_methods        = ["GET", "HEAD"]
    cached_methods         = ["GET", "HEAD"]
    viewer_protocol_policy = "redirect-to-https"
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
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: allow-all
"#,
            fixed_example: r#"Resources:
  Cdn:
    Type: AWS::CloudFront::Distribution
    Properties:
      DistributionConfig:
        Enabled: true
        DefaultCacheBehavior:
          TargetOriginId: site
          ViewerProtocolPolicy: redirect-to-https
"#,
        }),
    },
};

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::CloudFront::Distribution").collect::<Vec<_>>() {
        // (`CacheBehaviors` written as one mapping counts as a list of one.)
        for (behaviour, name) in crate::kit::cloudfront::cfn_behaviours(ctx, res) {
            let Some(entry) = behaviour.entry("ViewerProtocolPolicy") else { continue };
            if ctx.eval(&entry.value).as_str() != Some("allow-all") {
                continue;
            }
            let edit = cfn_edit::replace_value(ctx.template, &entry.value, &serde_json::json!("redirect-to-https"));
            let message = format!("`{}` lets viewers use plain HTTP (`{name}`)", res.logical_id);
            ctx.report(res, entry.range, message).fixes.push(Fix::new("Redirect HTTP viewers to HTTPS", vec![edit]));
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_cloudfront_distribution").collect::<Vec<Resource>>() {
        for behaviour in ["default_cache_behavior", "ordered_cache_behavior"] {
            for config in ctx.nested(res.config(), behaviour) {
                let Some(field) = config.attr("viewer_protocol_policy") else { continue };
                if ctx.value(field).as_str() != Some("allow-all") {
                    continue;
                }
                let fix = Fix::new(
                    "Redirect HTTP viewers to HTTPS",
                    vec![Edit { range: field.expr.range, text: "\"redirect-to-https\"".into() }],
                );
                let message = format!("`{}` lets viewers use plain HTTP (`{behaviour}`)", res.address());
                ctx.report_with_fix(res, field.range, message, fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_default_and_ordered_behaviours() {
        let text = r#"resource "aws_cloudfront_distribution" "a" {
  default_cache_behavior {
    viewer_protocol_policy = "https-only"
  }
  ordered_cache_behavior {
    path_pattern           = "/img/*"
    viewer_protocol_policy = "allow-all"
  }
  ordered_cache_behavior {
    path_pattern           = "/api/*"
    viewer_protocol_policy = var.policy
  }
}
"#;
        assert_eq!(lines(&RULE, text), vec![7]);
        assert_eq!(check_fixes(&RULE, text), 1);
    }

    #[test]
    fn cloudformation_behaviours() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        DefaultCacheBehavior:\n          ViewerProtocolPolicy: allow-all\n        CacheBehaviors:\n          - ViewerProtocolPolicy: https-only\n          - ViewerProtocolPolicy: allow-all\n          - ViewerProtocolPolicy: !Ref P\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7, 10]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 2);
        // `CacheBehaviors` written as one mapping.
        let yaml = "Resources:\n  A:\n    Type: AWS::CloudFront::Distribution\n    Properties:\n      DistributionConfig:\n        CacheBehaviors:\n          ViewerProtocolPolicy: allow-all\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
    }
}
