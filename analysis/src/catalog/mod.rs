//! The rule catalog: every rule onus has, one file each under `catalog/<service>/`, holding a [`Rule`] (its
//! id, title, responsibility row, severity, documentation, the peers' equivalent checks and its matchers).
//! Service folders hold rules only: what several rules share is in the rule kit ([`crate::kit`]).
//! Documentation (`onus explain`, `docs/rules/*.md`) is generated from the rules' metadata alone.

use crate::rule::{Rule, Rules};

mod alexa;
mod amplify;
mod autoscaling;
mod batch;
mod cloudfront;
mod cloudtrail;
mod cloudwatch;
mod codebuild;
mod config;
mod credentials;
mod directoryservice;
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
mod gamelift;
mod guardduty;
mod iam;
mod kms;
mod lambda;
mod opensearch;
mod rds;
mod redshift;
mod s3;
mod sagemaker;
mod secretsmanager;
mod sns;
mod sqs;
mod transfer;
mod workspaces;

/// Every rule, in catalog order (by service, then as each service lists them).
pub fn all() -> &'static [&'static Rule] {
    static ALL: std::sync::OnceLock<Vec<&'static Rule>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        [
            alexa::RULES,
            amplify::RULES,
            autoscaling::RULES,
            batch::RULES,
            cloudfront::RULES,
            cloudtrail::RULES,
            cloudwatch::RULES,
            codebuild::RULES,
            config::RULES,
            credentials::RULES,
            directoryservice::RULES,
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
            gamelift::RULES,
            guardduty::RULES,
            iam::RULES,
            kms::RULES,
            lambda::RULES,
            opensearch::RULES,
            rds::RULES,
            redshift::RULES,
            s3::RULES,
            sagemaker::RULES,
            secretsmanager::RULES,
            sns::RULES,
            sqs::RULES,
            transfer::RULES,
            workspaces::RULES,
        ]
        .concat()
    })
}

pub fn by_id(id: &str) -> Option<&'static Rule> {
    rules().by_id(id)
}

/// The whole catalog, as the engine takes it.
pub fn rules() -> Rules {
    Rules::new(all())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing;

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
