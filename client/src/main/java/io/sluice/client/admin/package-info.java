/** {@link io.sluice.client.admin.SluiceAdmin}, the admin client, and its immutable argument and result types. */
package io.sluice.client.admin;
