use crate::cloudformation::check::CfnContext;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "elb-classic-plaintext-listener",
    title: "Classic load balancer listener accepts plain HTTP or TCP",
    severity: Severity::High,
    row: Row::NetworkSecurity,
    service: "ELB",
    why: "A classic load balancer cannot redirect HTTP to HTTPS, so an HTTP (or plain TCP) listener serves the \
          application in clear text to anyone on the path.",
    aws_side: "The load balancer terminates whichever protocol the customer configures.",
    equivalents: Equivalents::NONE,
    related: Related {
        checkov: &["CKV_AWS_127", "CKV_AWS_376"],
        kics: &[],
        trivy: &[],
        how: "CKV_AWS_127 checks that every listener has a certificate; CKV_AWS_376 checks the protocol towards the \
              instances.",
    },
    matcher: &Custom {
        what: "Flags `aws_elb` listeners whose `lb_protocol` is `http` or `tcp` (except TCP passed through on port \
               443 to port 443, where the instances terminate TLS); in CloudFormation, \
               `AWS::ElasticLoadBalancing::LoadBalancer` `Listeners` whose `Protocol` is `HTTP` or `TCP`.",
        fix:
            "Serve HTTPS (or SSL) with a certificate (`lb_protocol = \"https\"`, `ssl_certificate_id`), or move to an \
              application load balancer, which can redirect HTTP to HTTPS.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elb"],
            check,
            example: r#"resource "aws_elb" "web" {
  listener {
    lb_port           = 80
    lb_protocol       = "http"
    instance_port     = 8080
    instance_protocol = "http"
  }
}"#,
            fixed_example: r#"resource "aws_elb" "web" {
  listener {
    lb_port            = 443
    lb_protocol        = "https"
    instance_port      = 8080
    instance_protocol  = "http"
    ssl_certificate_id = aws_acm_certificate.web.arn
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElasticLoadBalancing::LoadBalancer"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Listeners:
        - LoadBalancerPort: '80'
          InstancePort: '8080'
          Protocol: HTTP
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Listeners:
        - LoadBalancerPort: '443'
          InstancePort: '8080'
          Protocol: HTTPS
          SSLCertificateId: !Ref Certificate
"#,
        }),
    },
};

/// Whether a listener serves plain text: HTTP, or TCP other than TLS passed through on 443.
fn plaintext(protocol: &Value, lb_port: &Value, instance_port: &Value) -> Option<String> {
    let p = protocol.as_str()?.to_ascii_lowercase();
    match p.as_str() {
        "http" => Some("HTTP".into()),
        "tcp" => {
            let port = |v: &Value| v.as_f64();
            let passthrough = port(lb_port) == Some(443.0) && port(instance_port) == Some(443.0);
            (!passthrough).then(|| "TCP".into())
        }
        _ => None,
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_elb").collect::<Vec<_>>() {
        for listener in ctx.nested(res.config(), "listener") {
            let get = |n| ctx.field(listener, n).map_or(Value::Null, |(_, v)| v);
            let Some(protocol) = plaintext(&get("lb_protocol"), &get("lb_port"), &get("instance_port")) else {
                continue;
            };
            let range = ctx.field(listener, "lb_protocol").map_or(listener.header(), |(f, _)| f.range);
            let message = format!(
                "`{}` has a listener accepting plain {protocol}: traffic to it is not encrypted",
                res.address()
            );
            ctx.report(res, range, message);
        }
    }
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ElasticLoadBalancing::LoadBalancer").collect::<Vec<_>>() {
        let Some((listeners, _)) = ctx.prop(res, "Listeners") else { continue };
        for listener in listeners.items() {
            let get = |n| listener.get(n).map_or(Value::Null, |v| ctx.eval(v));
            let Some(protocol) = plaintext(&get("Protocol"), &get("LoadBalancerPort"), &get("InstancePort")) else {
                continue;
            };
            let range = listener.entry("Protocol").map_or(listener.range, |e| e.range);
            let message = format!(
                "`{}` has a listener accepting plain {protocol}: traffic to it is not encrypted",
                res.logical_id
            );
            ctx.report(res, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn plaintext_listeners() {
        let tf = r#"resource "aws_elb" "a" {
  listener {
    lb_port     = 80
    lb_protocol = "HTTP"
  }
  listener {
    lb_port     = 443
    lb_protocol = "https"
  }
  listener {
    lb_port       = 443
    lb_protocol   = "tcp"
    instance_port = 443
  }
  listener {
    lb_port       = 5432
    lb_protocol   = "tcp"
    instance_port = 5432
  }
  listener {
    lb_protocol = var.protocol
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [4, 17]);
        let yaml = "Resources:\n  A:\n    Type: AWS::ElasticLoadBalancing::LoadBalancer\n    Properties:\n      Listeners:\n        - Protocol: HTTPS\n        - Protocol: HTTP\n";
        assert_eq!(cfn_lines(&RULE, yaml), [7]);
    }
}
