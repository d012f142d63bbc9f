//! The rule catalog: every rule onus has, one file each under `catalog/<service>/`, holding a [`Rule`] (its
//! id, title, responsibility row, severity, documentation, the peers' equivalent checks and its matchers).
//! Service folders hold rules only: what several rules share is in the rule kit ([`crate::kit`]).
//! Documentation (`onus explain`, `docs/rules/*.md`) is generated from the rules' metadata alone.

use crate::rule::{Overlap, Rule, Rules};

mod acm;
mod alexa;
mod amplify;
mod apigateway;
mod appsync;
mod athena;
mod autoscaling;
mod backup;
mod batch;
mod cloudformation;
mod cloudfront;
mod cloudtrail;
mod cloudwatch;
mod codebuild;
mod codestar;
mod cognito;
mod config;
mod credentials;
mod directoryservice;
mod dms;
mod docdb;
mod dynamodb;
mod ec2;
mod ecr;
mod ecs;
mod efs;
mod eks;
mod elasticache;
mod elasticbeanstalk;
mod elb;
mod emr;
mod eventbridge;
mod gamelift;
mod globalaccelerator;
mod glue;
mod guardduty;
mod iam;
mod iot;
mod keyspaces;
mod kinesis;
mod kms;
mod lambda;
mod memorydb;
mod mq;
mod msk;
mod neptune;
mod opensearch;
mod organizations;
mod qldb;
mod rds;
mod redshift;
mod route53;
mod s3;
mod sagemaker;
mod secretsmanager;
mod ses;
mod sfn;
mod shield;
mod simpledb;
mod sns;
mod sqs;
mod ssm;
mod sso;
mod timestream;
mod transfer;
mod waf;
mod workspaces;

/// Every rule, in catalog order (by service, then as each service lists them).
pub fn all() -> &'static [&'static Rule] {
    static ALL: std::sync::OnceLock<Vec<&'static Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        [
            acm::RULES,
            alexa::RULES,
            amplify::RULES,
            apigateway::RULES,
            appsync::RULES,
            athena::RULES,
            autoscaling::RULES,
            backup::RULES,
            batch::RULES,
            cloudformation::RULES,
            cloudfront::RULES,
            cloudtrail::RULES,
            cloudwatch::RULES,
            codebuild::RULES,
            codestar::RULES,
            cognito::RULES,
            config::RULES,
            credentials::RULES,
            directoryservice::RULES,
            dms::RULES,
            docdb::RULES,
            dynamodb::RULES,
            ec2::RULES,
            ecr::RULES,
            ecs::RULES,
            efs::RULES,
            eks::RULES,
            elasticache::RULES,
            elasticbeanstalk::RULES,
            elb::RULES,
            emr::RULES,
            eventbridge::RULES,
            gamelift::RULES,
            globalaccelerator::RULES,
            glue::RULES,
            guardduty::RULES,
            iam::RULES,
            iot::RULES,
            keyspaces::RULES,
            kinesis::RULES,
            kms::RULES,
            lambda::RULES,
            memorydb::RULES,
            mq::RULES,
            msk::RULES,
            neptune::RULES,
            opensearch::RULES,
            organizations::RULES,
            qldb::RULES,
            rds::RULES,
            redshift::RULES,
            route53::RULES,
            s3::RULES,
            sagemaker::RULES,
            secretsmanager::RULES,
            ses::RULES,
            sfn::RULES,
            shield::RULES,
            simpledb::RULES,
            sns::RULES,
            sqs::RULES,
            ssm::RULES,
            sso::RULES,
            timestream::RULES,
            transfer::RULES,
            waf::RULES,
            workspaces::RULES,
        ]
        .concat()
    })
}

pub fn by_id(id: &str) -> Option<&'static Rule> {
    rules().by_id(id)
}

/// The rule pages, as `docs/rules/` holds them and the binary serves them: one page per rule (its
/// [`Rule::markdown`]) and an index, `README.md`, by file name.
pub fn pages() -> std::collections::BTreeMap<String, String> {
    let mut pages = std::collections::BTreeMap::new();
    let mut index = String::from(
        "# onus rules\n\nGenerated from the rule catalog (`analysis/src/catalog/`); do not edit by hand.\n\n\
         | id | title | severity | responsibility row | service | formats | quick-fix |\n|---|---|---|---|---|---|---|\n",
    );
    for rule in all() {
        pages.insert(format!("{}.md", rule.id), rule.markdown());
        index.push_str(&format!(
            "| [{id}]({id}.md) | {} | {} | `{}` | {} | {} | {} |\n",
            rule.title,
            rule.severity.name(),
            rule.row.slug(),
            rule.service,
            rule.formats().join(", "),
            if rule.has_fix() { "yes" } else { "no" },
            id = rule.id,
        ));
    }
    pages.insert("README.md".into(), index);
    pages
}

/// The whole catalog, as the engine takes it.
pub fn rules() -> Rules {
    Rules::new(all()).with_overlaps(OVERLAPS)
}

/// The rules that report one problem in several ways, most specific first (see [`Overlap`]).
pub static OVERLAPS: &[Overlap] = &[
    // One ingress entry open to the world: the port it exposes names the problem best.
    Overlap {
        rules: &[
            "sg-ssh-open-to-world",
            "sg-rdp-open-to-world",
            "sg-sensitive-port-open-to-world",
            "sg-http-open-to-world",
            "sg-ingress-open-to-world",
        ],
        same_place: true,
        carriers: 4,
    },
    // A bucket's public ACL, and the public access block settings that would have neutralised it.
    Overlap {
        rules: &["s3-public-write-acl", "s3-public-acl", "s3-pab-block-public-acls", "s3-pab-ignore-public-acls"],
        same_place: false,
        carriers: 2,
    },
    // A classic load balancer's plain-HTTP listener, seen by the classic and the generic listener rules.
    Overlap { rules: &["elb-classic-plaintext-listener", "alb-http-listener"], same_place: true, carriers: 1 },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing;

    /// The hover's split says which model a service is under: every type a rule inspects has one, from the
    /// type itself (not from the rule's service name, which may list several services).
    #[test]
    fn every_inspected_type_has_a_service_model() {
        use crate::responsibility::ServiceModel;
        let mut missing = std::collections::BTreeSet::new();
        for rule in all() {
            for ty in rule.matcher.terraform_types().iter().chain(rule.matcher.cloudformation_types()) {
                if ServiceModel::of_type(ty).is_none() {
                    missing.insert(*ty);
                }
            }
        }
        assert!(missing.is_empty(), "types without a service model: {missing:?}");
        // The guest OS is the customer's on EC2, whatever a rule's service string says.
        for ty in [
            "aws_instance",
            "aws_launch_configuration",
            "aws_launch_template",
            "AWS::EC2::Instance",
            "AWS::AutoScaling::LaunchConfiguration",
        ] {
            assert_eq!(ServiceModel::of_type(ty).map(|(_, m)| m), Some(ServiceModel::Infrastructure), "{ty}");
        }
        assert_eq!(ServiceModel::of_type("aws_db_instance"), Some(("RDS", ServiceModel::Container)));
        assert_eq!(ServiceModel::of_type("aws_dbx_thing"), None, "a prefix ends at a word");
        assert_eq!(ServiceModel::of_type("AWS::S3::Bucket"), Some(("S3", ServiceModel::Abstracted)));
        assert_eq!(ServiceModel::of_type("aws_unheard_of"), None);
    }

    #[test]
    fn the_catalog_is_well_formed() {
        let mut ids = std::collections::HashSet::new();
        for rule in all() {
            assert!(ids.insert(rule.id), "duplicate id {}", rule.id);
            assert!(rule.id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "{}", rule.id);
            assert!(rule.row.party() == crate::responsibility::Party::Customer, "{} flags an AWS row", rule.id);
            let docs = rule.docs();
            assert!(!rule.why.is_empty() && !docs.what.is_empty() && !docs.fix.is_empty() && !rule.aws_side.is_empty());
            assert!(!rule.formats().is_empty(), "{} has no matcher", rule.id);
            for kics in rule.equivalents.kics {
                assert_eq!(kics.len(), 36, "{}: KICS ids are UUIDs", rule.id);
            }
            let types = [rule.matcher.terraform_types(), rule.matcher.cloudformation_types()];
            assert!(!types.concat().is_empty(), "{}: which resource types does it inspect?", rule.id);
            assert_eq!(rule.matcher.has_terraform(), !types[0].is_empty(), "{}: Terraform types and matcher", rule.id);
            assert_eq!(
                rule.matcher.has_cloudformation(),
                !types[1].is_empty(),
                "{}: template types and matcher",
                rule.id
            );
        }
    }

    #[test]
    fn overlaps_name_catalog_rules() {
        for overlap in OVERLAPS {
            assert!((1..overlap.rules.len()).contains(&overlap.carriers), "{:?}", overlap.rules);
            for id in overlap.rules {
                assert!(rules().by_id(id).is_some(), "overlap names {id}, which is no rule");
                let families = OVERLAPS.iter().filter(|o| o.rules.contains(id)).count();
                assert_eq!(families, 1, "{id} is in {families} overlaps: a finding folds one way");
            }
        }
    }

    /// Every declared setting keeps the kit's promises on its own examples.
    #[test]
    fn declared_settings_keep_their_promises() {
        let mut checked = 0;
        for rule in all() {
            if let Some(setting) = rule.matcher.as_any().downcast_ref::<crate::kit::declared::Setting>() {
                testing::check_declared(rule, setting);
                checked += 1;
            }
        }
        assert!(checked > 0);
    }

    /// The documented examples are real: the insecure one is flagged and its fixes work; the fixed one is not.
    #[test]
    fn every_rule_example_is_flagged_and_its_fixed_form_is_not() {
        for rule in all() {
            if !rule.matcher.has_terraform() {
                continue;
            }
            let (example, fixed_example) = testing::tf_example(rule);
            let found = testing::run(rule, &example);
            assert!(!found.is_empty(), "{}: its example raises nothing", rule.id);
            let fixed = testing::run(rule, &fixed_example);
            assert!(fixed.is_empty(), "{}: its fixed example still raises {:?}", rule.id, fixed);
            let fixes = testing::check_fixes(rule, &example);
            assert_eq!(
                fixes > 0,
                rule.has_fix(),
                "{}: has_fix is {} but the example has {fixes} fixes",
                rule.id,
                rule.has_fix()
            );
        }
    }
}
