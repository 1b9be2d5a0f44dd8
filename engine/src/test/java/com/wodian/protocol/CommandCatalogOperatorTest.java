package com.wodian.protocol;

import com.wodian.protocol.sbe.ClusterControlDecoder;
import com.wodian.protocol.sbe.ClusterStatusQueryDecoder;
import com.wodian.protocol.sbe.DistributionStatusQueryDecoder;
import com.wodian.protocol.sbe.MerchantStatementQueryDecoder;
import com.wodian.protocol.sbe.RiskModelQueryDecoder;
import com.wodian.protocol.sbe.RiskRuleQueryDecoder;
import com.wodian.protocol.sbe.RiskStatsQueryDecoder;
import com.wodian.protocol.sbe.StateHashQueryDecoder;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Security review B9: a read-only operator may send exactly the queries docs/security.md lists (status, state hash,
 * merchant statement, distribution status, risk rules, stats and models): never a command, never ClusterControl, never
 * a query whose reply names a consumer. A template added to the list by mistake fails here.
 */
class CommandCatalogOperatorTest
{
    @Test
    void anOperatorMaySendOnlyTheListedQueries()
    {
        final Set<Integer> allowed = new TreeSet<>();
        for (int templateId = -1; templateId <= 200; templateId++)
        {
            if (CommandCatalog.operatorMay(templateId))
            {
                allowed.add(templateId);
            }
        }
        assertEquals(new TreeSet<>(Set.of(ClusterStatusQueryDecoder.TEMPLATE_ID, StateHashQueryDecoder.TEMPLATE_ID,
            MerchantStatementQueryDecoder.TEMPLATE_ID, DistributionStatusQueryDecoder.TEMPLATE_ID,
            RiskRuleQueryDecoder.TEMPLATE_ID, RiskStatsQueryDecoder.TEMPLATE_ID, RiskModelQueryDecoder.TEMPLATE_ID)),
            allowed);
        for (final int templateId : allowed)
        {
            assertEquals(true, CommandCatalog.isQuery(templateId), "a query, never journaled: " + templateId);
        }
        assertEquals(false, CommandCatalog.operatorMay(ClusterControlDecoder.TEMPLATE_ID));
    }
}
