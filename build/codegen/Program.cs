using Customers.Contract.Codegen;

// Usage: Customers.Contract.Codegen <contract.yaml> <flavor> <namespace> <output.g.cs>
//   flavor server: error codes and catalog, header names, operation table; checks the request constraints.
//   flavor client: public CustomerCredentialsErrorCodes, internal header names and operation table.
//   flavor fake:   internal error codes and catalog, header names and operation table.
// Problems are printed as MSBuild errors ("file: error CODEGEN: …") and make the exit code 1.
if (args.Length != 4 || args[1] is not ("server" or "client" or "fake"))
{
    Console.Error.WriteLine("usage: Customers.Contract.Codegen <contract.yaml> <server|client|fake> <namespace> <output.g.cs>");
    return 2;
}

var (contractPath, flavor, ns, output) = (Path.GetFullPath(args[0]), args[1], args[2], args[3]);
ContractModel contract;
try
{
    contract = ContractModel.Load(contractPath);
}
catch (ContractException exception)
{
    Console.WriteLine($"{contractPath}: error CODEGEN: {exception.Message}");
    return 1;
}

var problems = new List<string>(contract.Problems);
if (flavor == "server")
{
    problems.AddRange(ConstraintCheck.Unhandled(contract));
}

if (problems.Count > 0)
{
    problems.ForEach(p => Console.WriteLine($"{contractPath}: error CODEGEN: {p}"));
    return 1;
}

var code = flavor switch
{
    "server" => VocabularyWriter.Server(contract, ns),
    "client" => VocabularyWriter.Client(contract, ns),
    _ => VocabularyWriter.Fake(contract, ns),
};
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, code);
return 0;
