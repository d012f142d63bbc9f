use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::cloudformation::tree::NodeKind;
use crate::fix::Fix;
use crate::kit::opensearch;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use serde_json::json;

pub static RULE: Rule = Rule {
    id: "opensearch-https-not-enforced",
    title: "OpenSearch endpoint accepts plain HTTP or old TLS",
    severity: Severity::High,
    row: Row::ManagedServiceConfig,
    service: "OpenSearch",
    why: "An endpoint that accepts plain HTTP sends queries, documents and credentials (basic auth of \
          fine-grained access control, signed requests' payloads) in clear text; TLS 1.0 and 1.1 have known \
          weaknesses and fail PCI DSS.",
    aws_side: "AWS terminates TLS on the domain endpoint and offers the TLS security policies. Requiring HTTPS and \
               choosing a modern policy is the customer's duty.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["2e9e0729-66d5-4148-9d39-5e6fb4bf2a4e", "4cdc88e6-c0c8-4081-a639-bb3a557cbedf"],
        trivy: &["AVD-AWS-0046", "aws-elastic-search-enforce-https", "aws-elasticsearch-enforce-https"],
    },
    related: Related {
        checkov: &["CKV_AWS_83", "CKV_AWS_228"],
        kics: &[],
        trivy: &["AVD-AWS-0126", "aws-elastic-search-use-secure-tls-policy", "aws-elasticsearch-use-secure-tls-policy"],
        how: "Checkov's CKV_AWS_83 (Terraform) passes a domain without `domain_endpoint_options`, which this rule \
              flags. Checkov's CKV_AWS_228 and Trivy's AVD-AWS-0126 fail any TLS policy but the TLS 1.2 ones, an \
              absent policy included, where this rule flags only an explicit TLS 1.0 policy.",
    },
    matcher: &Custom {
        what: "Flags `aws_opensearch_domain` and `aws_elasticsearch_domain` resources without a \
               `domain_endpoint_options` block (the API default does not enforce HTTPS), with `enforce_https = \
               false`, or with the TLS 1.0 policy `Policy-Min-TLS-1-0-2019-07` (in templates, also \
               `DomainEndpointOptions` without `EnforceHTTPS: true`).",
        fix: "Add `domain_endpoint_options { enforce_https = true, tls_security_policy = \
              \"Policy-Min-TLS-1-2-2019-07\" }`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_opensearch_domain", "aws_elasticsearch_domain"],
            check,
            example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  domain_endpoint_options {
    enforce_https = false
  }
}"#,
            fixed_example: r#"resource "aws_opensearch_domain" "search" {
  domain_name = "search"
  domain_endpoint_options {
    enforce_https       = true
    tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &opensearch::CFN_DOMAINS,
            check: check_cfn,
            example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: search
      DomainEndpointOptions:
        EnforceHTTPS: false
"#,
            fixed_example: r#"Resources:
  Search:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainName: search
      DomainEndpointOptions:
        EnforceHTTPS: true
        TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07
"#,
        }),
    },
};

/// In templates, `EnforceHTTPS` is off unless set (the API default), also when `DomainEndpointOptions` is
/// written without it.
fn check_cfn(ctx: &mut CfnContext) {
    for res in opensearch::cfn_domains(ctx) {
        let id = res.logical_id;
        let Some((options, _)) = ctx.prop(res, "DomainEndpointOptions") else {
            let value = json!({"EnforceHTTPS": true, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"});
            let fix = Fix::new(
                "Enforce HTTPS with TLS 1.2",
                vec![cfn_edit::set_property(ctx.template, res, "DomainEndpointOptions", &value)],
            );
            let range = ctx.header(res);
            let message = format!("`{id}` has no `DomainEndpointOptions`, so its endpoint does not require HTTPS");
            ctx.report(res, range, message).fixes.push(fix);
            continue;
        };
        if !(matches!(options.kind, NodeKind::Map(_)) && options.intrinsic().is_none()) {
            continue;
        }
        let https_fix = |ctx: &CfnContext| {
            Fix::new("Enforce HTTPS", vec![cfn_edit::set_key(ctx.template, options, "EnforceHTTPS", &json!(true))])
        };
        match ctx.prop(res, "DomainEndpointOptions.EnforceHTTPS") {
            None => {
                let fix = https_fix(ctx);
                let range = ctx.prop_range(res, "DomainEndpointOptions").unwrap_or(options.range);
                let message = format!("`{id}` does not set `EnforceHTTPS`, so its endpoint accepts plain HTTP");
                ctx.report(res, range, message).fixes.push(fix);
            }
            Some((node, v)) if v.as_bool() == Some(false) => {
                let fix = https_fix(ctx);
                let range = ctx.prop_range(res, "DomainEndpointOptions.EnforceHTTPS").unwrap_or(node.range);
                ctx.report(res, range, format!("`{id}` accepts plain HTTP requests")).fixes.push(fix);
            }
            Some(_) => {}
        }
        if let Some((node, v)) = ctx.prop(res, "DomainEndpointOptions.TLSSecurityPolicy") {
            if v.as_str().is_some_and(|p| p.contains("TLS-1-0")) {
                let fix = Fix::new(
                    "Require TLS 1.2",
                    vec![cfn_edit::replace_value(ctx.template, node, &json!("Policy-Min-TLS-1-2-2019-07"))],
                );
                let range = ctx.prop_range(res, "DomainEndpointOptions.TLSSecurityPolicy").unwrap_or(node.range);
                ctx.report(res, range, format!("`{id}` accepts TLS 1.0 and 1.1")).fixes.push(fix);
            }
        }
    }
}

const MODERN_POLICY: &str = "\"Policy-Min-TLS-1-2-2019-07\"";

fn check(ctx: &mut TfContext) {
    for res in opensearch::domains(ctx) {
        let file = ctx.file(res);
        let address = res.address();
        // The block, or an object given to the argument (`domain_endpoint_options = { ... }`).
        let Some(options) = ctx.nested(res.config(), "domain_endpoint_options").into_iter().next() else {
            let fix = Fix::new(
                "Enforce HTTPS with TLS 1.2",
                vec![edit::insert_in_block(
                    file,
                    res.block,
                    &format!("domain_endpoint_options {{\n  enforce_https       = true\n  tls_security_policy = {MODERN_POLICY}\n}}"),
                )],
            );
            let message =
                format!("`{address}` has no `domain_endpoint_options`, so its endpoint does not require HTTPS");
            ctx.report_with_fix(res, res.block.header, message, fix);
            continue;
        };
        // The value written is replaced in place, in a block or an object alike.
        let replace = |title: &str, field: &crate::terraform::view::Field, text: &str| {
            Fix::new(title, vec![crate::fix::Edit { range: field.expr.range, text: text.into() }])
        };
        if let Some((field, v)) = ctx.field(options, "enforce_https") {
            if v.as_bool() == Some(false) {
                let fix = replace("Enforce HTTPS", &field, "true");
                ctx.report_with_fix(res, field.range, format!("`{address}` accepts plain HTTP requests"), fix);
            }
        }
        if let Some((field, v)) = ctx.field(options, "tls_security_policy") {
            if v.as_str().is_some_and(|p| p.contains("TLS-1-0")) {
                let fix = replace("Require TLS 1.2", &field, MODERN_POLICY);
                ctx.report_with_fix(res, field.range, format!("`{address}` accepts TLS 1.0 and 1.1"), fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_plain_http_and_old_tls() {
        let text = r#"
resource "aws_elasticsearch_domain" "off" {
  domain_endpoint_options {
    enforce_https = false
  }
}
resource "aws_elasticsearch_domain" "on" {
  domain_endpoint_options {
    enforce_https = true
  }
}
resource "aws_opensearch_domain" "absent" {
  domain_name = "x"
}
resource "aws_opensearch_domain" "old_tls" {
  domain_endpoint_options {
    tls_security_policy = "Policy-Min-TLS-1-0-2019-07"
  }
}
resource "aws_opensearch_domain" "unknown" {
  domain_endpoint_options {
    enforce_https = var.https
  }
}
"#;
        assert_eq!(lines(&RULE, text), [12, 17, 4]);
        assert_eq!(check_fixes(&RULE, text), 3);
    }

    #[test]
    fn cloudformation_in_yaml_and_json() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  Off:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainEndpointOptions:
        EnforceHTTPS: false
        TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07
  Unset:
    Type: AWS::Elasticsearch::Domain
    Properties:
      DomainEndpointOptions:
        TLSSecurityPolicy: Policy-Min-TLS-1-2-2019-07
  Absent:
    Type: AWS::Elasticsearch::Domain
    Properties:
      ElasticsearchVersion: "7.9"
  OldTls:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainEndpointOptions: {EnforceHTTPS: true, TLSSecurityPolicy: Policy-Min-TLS-1-0-2019-07}
  On:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainEndpointOptions: {EnforceHTTPS: true}
  Unknown:
    Type: AWS::OpenSearchService::Domain
    Properties:
      DomainEndpointOptions: {EnforceHTTPS: !Ref Https}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [6, 20, 11, 13]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 4);
        let json = r#"{"Resources": {"D": {"Type": "AWS::Elasticsearch::Domain", "Properties": {"DomainName": "d"}}}}"#;
        assert_eq!(check_cfn_fixes(&RULE, json), 1);
    }

    /// `domain_endpoint_options = { ... }` is judged as the block is, its values fixed in place.
    #[test]
    fn the_object_form_is_judged_like_the_block() {
        let text = r#"
resource "aws_opensearch_domain" "off" {
  domain_endpoint_options = { enforce_https = false, tls_security_policy = "Policy-Min-TLS-1-0-2019-07" }
}
resource "aws_opensearch_domain" "on" {
  domain_endpoint_options = { enforce_https = true, tls_security_policy = "Policy-Min-TLS-1-2-2019-07" }
}
"#;
        assert_eq!(lines(&RULE, text), [3, 3]);
        assert_eq!(check_fixes(&RULE, text), 2);
    }
}
