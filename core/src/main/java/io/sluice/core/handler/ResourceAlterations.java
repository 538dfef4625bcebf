package io.sluice.core.handler;

import io.sluice.common.Errors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What AlterConfigs and IncrementalAlterConfigs share: a resource named twice in one request is refused with
 * INVALID_REQUEST; every other resource is altered on its own and its failure becomes its own error.
 */
final class ResourceAlterations {
    private ResourceAlterations() {
    }

    /** One outcome per resource, in request order. */
    static <R> List<ApiError> alterEach(String api, List<R> resources, Function<R, Byte> type, Function<R, String> name,
                                        Consumer<R> alter) {
        Map<List<Object>, Integer> occurrences = new HashMap<>();
        for (R r : resources) {
            occurrences.merge(List.of(type.apply(r), name.apply(r)), 1, Integer::sum);
        }
        List<ApiError> outcomes = new ArrayList<>(resources.size());
        for (R r : resources) {
            String resource = ResourceTypes.name(type.apply(r)) + " '" + name.apply(r) + "'";
            if (occurrences.get(List.of(type.apply(r), name.apply(r))) > 1) {
                outcomes.add(ApiError.of(Errors.INVALID_REQUEST, "Resource " + resource + " appears more than once in the request."));
                continue;
            }
            try {
                alter.accept(r);
                outcomes.add(ApiError.NONE);
            } catch (RuntimeException e) {
                outcomes.add(ApiError.from(e, api + " of " + resource));
            }
        }
        return outcomes;
    }
}
