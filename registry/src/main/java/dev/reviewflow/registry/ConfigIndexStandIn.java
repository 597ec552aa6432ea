package dev.reviewflow.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.ArrayList;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;

/**
 * The bean Apicurio's config-index build extension would generate (that extension is not
 * on Maven Central, see pom.xml): the list of properties an admin may change at run time.
 * An empty list: this local registry has no dynamic configuration.
 */
@ApplicationScoped
public class ConfigIndexStandIn {
    @Produces
    @ApplicationScoped
    public DynamicConfigPropertyList dynamicConfigPropertyList() {
        return new DynamicConfigPropertyList(new ArrayList<>());
    }
}
