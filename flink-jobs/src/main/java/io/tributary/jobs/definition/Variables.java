package io.tributary.jobs.definition;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What {@code ${name}} means in a pipeline file, first match wins: {@code --var name=value}, then
 * the environment, then the endpoints of the embedded services ({@code postgres.host}, {@code
 * mariadb.port}, {@code s3.endpoint}, {@code kafka.bootstrap-servers}, ...).
 */
public final class Variables implements Function<String, Optional<String>> {

    private final Map<String, String> given;
    private final Map<String, String> services;
    private final Function<String, String> environment;

    private Variables(
            Map<String, String> given,
            Map<String, String> services,
            Function<String, String> environment) {
        this.given = given;
        this.services = services;
        this.environment = environment;
    }

    /**
     * @param endpoints service name to its endpoints, as {@code EmbeddedServices.endpoints()} and
     *     {@code services.json} give them
     */
    public static Variables of(
            Map<String, String> given, Map<String, Map<String, String>> endpoints) {
        Map<String, String> flat = new LinkedHashMap<>();
        endpoints.forEach((service, e) -> e.forEach((k, v) -> flat.put(service + "." + k, v)));
        return new Variables(Map.copyOf(given), flat, System::getenv);
    }

    @Override
    public Optional<String> apply(String name) {
        String v = given.get(name);
        if (v == null) {
            v = environment.apply(name);
        }
        if (v == null) {
            v = services.get(name);
        }
        return Optional.ofNullable(v);
    }
}
