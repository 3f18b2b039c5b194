package io.httppool.agent.health;

import java.util.Optional;

/**
 * One named rule of the health monitor. Rules are independent: each looks at the same {@link CheckInput}
 * and the worst verdict wins, so a new rule is one new class added to {@link HealthRules#standard()}.
 */
public interface HealthCheck {

    /** This rule's verdict on the pool, or empty when the rule finds nothing wrong. */
    Optional<Verdict> evaluate(CheckInput input);
}
