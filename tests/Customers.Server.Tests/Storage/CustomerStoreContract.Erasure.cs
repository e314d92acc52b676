using System.Globalization;
using Customers.Server.Storage;
using Microsoft.Extensions.Options;

namespace Customers.Server.Tests.Storage;

/// <summary>Erasure (eraseCustomer) and the idempotency records it leaves, on every provider.</summary>
public abstract partial class CustomerStoreContract
{
    [SkippableFact]
    public async Task Erasure_removes_the_customer_its_credentials_and_their_records_and_frees_the_usernames()
    {
        var settings = await NewDatabaseAsync();
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var store = host.Store;
        var customerKey = Fingerprints.For("erase-customer", "createCustomer", "CRM-erase");
        var customer = (await store.CreateCustomerAsync("telco", "CRM-erase", customerKey, default)).Customer!.Id;
        var credentialKey = Fingerprints.For("erase-credential", "createCredential", customer.ToString(), "gone@example.com");
        await store.CreateCredentialAsync("telco", customer, "gone@example.com", credentialKey, default);
        await CreateCredentialAsync(store, "telco", customer, "also.gone@example.com");
        var neighbour = await CreateCustomerAsync(store, "telco");
        await CreateCredentialAsync(store, "telco", neighbour, "stays@example.com");

        Assert.True(await store.EraseCustomerAsync("telco", customer, default));

        Assert.Null(await store.GetCustomerAsync("telco", customer, default));
        Assert.Null(await store.ListCredentialsAsync("telco", customer, default));
        Assert.Equal(0L, Count(await SqlAsync(settings, $"SELECT COUNT(*) FROM credentials WHERE customer_id = '{customer}'")));
        Assert.Equal(0L, Count(await SqlAsync(settings, "SELECT COUNT(*) FROM idempotency_keys WHERE key = 'erase-credential'")));
        Assert.Equal(IdempotencyKey.ErasedCustomer, await SqlAsync(settings, "SELECT fingerprint FROM idempotency_keys WHERE key = 'erase-customer'"));
        Assert.Equal(1L, Count(await SqlAsync(settings, "SELECT customers FROM organization_usage WHERE org_id = 'telco'")));
        Assert.Equal(CreateOutcome.Created, (await store.CreateCredentialAsync("telco", neighbour, "GONE@example.com", null, default)).Outcome);
        Assert.Equal(["stays@example.com", "GONE@example.com"], (await store.ListCredentialsAsync("telco", neighbour, default))!.Select(c => c.Username));
        Assert.False(await store.EraseCustomerAsync("telco", customer, default));
    }

    [SkippableFact]
    public async Task Replayed_keys_of_an_erased_customer_create_nothing()
    {
        var settings = await NewDatabaseAsync();
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var store = host.Store;
        var customerKey = Fingerprints.For("replay-customer", "createCustomer", "CRM-replay");
        var customer = (await store.CreateCustomerAsync("telco", "CRM-replay", customerKey, default)).Customer!.Id;
        var credentialKey = Fingerprints.For("replay-credential", "createCredential", customer.ToString(), "replayed@example.com");
        await store.CreateCredentialAsync("telco", customer, "replayed@example.com", credentialKey, default);
        Assert.True(await store.EraseCustomerAsync("telco", customer, default));

        var customerAgain = await store.CreateCustomerAsync("telco", "CRM-replay", customerKey, default);
        var credentialAgain = await store.CreateCredentialAsync("telco", customer, "replayed@example.com", credentialKey, default);
        var keyOfTheCustomerOnACredential = await store.CreateCredentialAsync("telco", customer, "other@example.com",
            Fingerprints.For("replay-customer", "createCredential", customer.ToString(), "other@example.com"), default);

        Assert.Equal(CreateOutcome.Replayed, customerAgain.Outcome);
        Assert.Equal(customer, customerAgain.Customer!.Id);
        Assert.Null(await store.GetCustomerAsync("telco", customer, default));
        Assert.Equal(CreateOutcome.CustomerNotFound, credentialAgain.Outcome);
        Assert.Equal(CreateOutcome.KeyReused, keyOfTheCustomerOnACredential.Outcome);
        Assert.Equal(0L, Count(await SqlAsync(settings, "SELECT COUNT(*) FROM customers WHERE org_id = 'telco'")));
        Assert.Equal(0L, Count(await SqlAsync(settings, "SELECT COUNT(*) FROM credentials WHERE org_id = 'telco'")));
        Assert.Equal(0L, Count(await SqlAsync(settings, "SELECT customers FROM organization_usage WHERE org_id = 'telco'")));
    }

    [SkippableFact]
    public async Task An_erasure_makes_room_under_the_customer_quota()
    {
        var settings = await NewDatabaseAsync();
        settings["Limits:Organization:MaxCustomers"] = "1";
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var customer = await CreateCustomerAsync(host.Store, "telco");
        Assert.Equal(CreateOutcome.CustomerLimitReached, (await host.Store.CreateCustomerAsync("telco", null, null, default)).Outcome);

        Assert.True(await host.Store.EraseCustomerAsync("telco", customer, default));

        Assert.Equal(CreateOutcome.Created, (await host.Store.CreateCustomerAsync("telco", null, null, default)).Outcome);
    }

    [SkippableFact]
    public async Task A_customer_of_another_organization_is_not_erased()
    {
        await using var host = await StartAsync();
        var customer = await CreateCustomerAsync(host.Store, "org-a");
        await CreateCredentialAsync(host.Store, "org-a", customer, "mine@example.com");

        Assert.False(await host.Store.EraseCustomerAsync("org-b", customer, default));

        Assert.Single((await host.Store.ListCredentialsAsync("org-a", customer, default))!);
    }

    [SkippableFact]
    public async Task Stored_fingerprints_are_keyed_and_a_rotated_key_still_replays_its_records()
    {
        var settings = await NewDatabaseAsync();
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var customer = await CreateCustomerAsync(host.Store, "telco");
        string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var (oldKey, newKey) = (NewKey(), NewKey());
        IdempotencyFingerprints Under(string key, string? previous = null) => new(Options.Create(new IdempotencyOptions { FingerprintKey = key, PreviousFingerprintKey = previous }));
        var request = new[] { customer.ToString(), "rotated@example.com" };

        var first = await host.Store.CreateCredentialAsync("telco", customer, "rotated@example.com", Under(oldKey).For("rotation", "createCredential", request), default);
        var stored = (string)(await SqlAsync(settings, "SELECT fingerprint FROM idempotency_keys WHERE key = 'rotation'"))!;
        var afterRotation = await host.Store.CreateCredentialAsync("telco", customer, "rotated@example.com", Under(newKey, previous: oldKey).For("rotation", "createCredential", request), default);
        var oldKeyDropped = await host.Store.CreateCredentialAsync("telco", customer, "rotated@example.com", Under(newKey).For("rotation", "createCredential", request), default);

        var unkeyed = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"createCredential|{request[0].Length}:{request[0]}|{request[1].Length}:{request[1]}")));
        Assert.NotEqual(unkeyed, stored); // a dictionary of usernames does not find it without the key
        Assert.Equal(CreateOutcome.Replayed, afterRotation.Outcome);
        Assert.Equal(first.Credential!.Id, afterRotation.Credential!.Id);
        Assert.Equal(CreateOutcome.KeyReused, oldKeyDropped.Outcome); // never a replay of a request it cannot compare
    }

    [SkippableFact]
    public async Task A_record_stored_before_fingerprints_were_keyed_still_replays_until_it_expires()
    {
        var settings = await NewDatabaseAsync();
        await using var host = await StoreHost.StartAsync(settings, Clock);
        var customer = await CreateCustomerAsync(host.Store, "telco");
        var request = new[] { customer.ToString(), "legacy.key@example.com" };
        var key = Fingerprints.For("legacy", "createCredential", request)!;
        var created = await host.Store.CreateCredentialAsync("telco", customer, "legacy.key@example.com", key, default);
        var unkeyed = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            $"createCredential|{request[0].Length}:{request[0]}|{request[1].Length}:{request[1]}")));
        await SqlAsync(settings, $"UPDATE idempotency_keys SET fingerprint = '{unkeyed}' WHERE key = 'legacy'");

        var replay = await host.Store.CreateCredentialAsync("telco", customer, "legacy.key@example.com", key, default);

        Assert.Equal(CreateOutcome.Replayed, replay.Outcome);
        Assert.Equal(created.Credential!.Id, replay.Credential!.Id);
    }

    private static long Count(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
