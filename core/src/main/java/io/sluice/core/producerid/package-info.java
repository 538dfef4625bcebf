/** Producer ids for idempotent producers, claimed in blocks from ZooKeeper. Imports nothing else of core. */
package io.sluice.core.producerid;
