using Customers.Bench;

// bench/run.sh drives these; each prints what run.sh reads (one line, or BenchmarkDotNet's CSV).
return args switch
{
    ["seed", var url, var customers, var perCustomer, var outDirectory] =>
        await Seeder.RunAsync(new Uri(url), int.Parse(customers), int.Parse(perCustomer), outDirectory),
    ["deletable", var url, var customersFile, var outFile] => await LoadCredentials.WriteAsync(new Uri(url), customersFile, outFile),
    ["cleanup", var url, var customersFile] => await LoadCredentials.DeleteAllAsync(new Uri(url), customersFile),
    ["coldstart", var url, var runs, .. var command] => await ColdStart.RunAsync(new Uri(url), int.Parse(runs), command),
    ["wiremock", var port, var path, var bodyFile] => await WireMockStub.RunAsync(int.Parse(port), path, bodyFile),
    ["client", var url, var customerId, var artifacts, var quick] => ClientBenchmarks.Run(new Uri(url), customerId, artifacts, quick == "quick"),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: seed <service-url> <customers> <credentials-per-customer> <out-dir>
               deletable <service-url> <customers-file> <out-file>
               cleanup <service-url> <customers-file>
               coldstart <url-that-answers-200> <runs> <command> [args...]
               wiremock <port> <path> <body-file>
               client <server-url> <customer-id> <artifacts-dir> full|quick
        """);
    return 2;
}
