package io.github.cdk_iam_change_alerts.examples;

import java.util.List;

import io.github.cdk_iam_change_alerts.IamChangeAlerting;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;

/**
 * Single account: email the security team within seconds of any IAM change in this account.
 *
 * <p>The Java twin of examples/single-account/app.ts. IAM is a global service whose events reach
 * EventBridge only in us-east-1, so the stack is pinned there.
 */
public final class SingleAccountApp {
    private SingleAccountApp() {
    }

    public static void main(final String[] args) {
        App app = new App();
        Stack stack = new Stack(app, "IamChangeAlerts", StackProps.builder()
                .env(Environment.builder().region("us-east-1").build())
                .build());

        // The defaults: a hardened CloudTrail trail, an EventBridge rule for IAM changes, an SNS
        // topic encrypted with its own key, a dead-letter queue and alarms on failed deliveries,
        // and the pipeline's own health checks (heartbeat and tamper alerts to a second topic).
        IamChangeAlerting.Builder.create(stack, "IamAlerts")
                .emails(List.of("security@example.com"))
                .build();

        app.synth();
    }
}
