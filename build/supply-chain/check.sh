#!/usr/bin/env bash
# Checks what nuget.config and Directory.Build.props promise about where packages come from:
#   1. every project that restores from a registry has its packages.lock.json, and the whole
#      solution restores in locked mode (nothing resolved differs from what is committed);
#   2. package source mapping: a Customers.* package is looked for in the local feed only, so a
#      public package of that name is never considered.
# Exits non-zero with the reason when either does not hold.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=0
while IFS= read -r project; do
  folder=$(dirname "$project")
  if grep -q '<RestorePackagesWithLockFile>false' "$project"; then
    continue # restores the freshly packed client from the local feed (documented in the project)
  fi
  if [ ! -f "$folder/packages.lock.json" ]; then
    echo "no packages.lock.json beside $project"
    missing=1
  fi
done < <(git ls-files '*.csproj')
[ "$missing" -eq 0 ] || exit 1

dotnet restore Customers.slnx --locked-mode -nologo -v:q
dotnet restore tests/Customers.ContractCoverage.Tests --locked-mode -nologo -v:q # run on its own, after the others

# A project inside the repository (so nuget.config applies) asking for a Customers.* version that the
# local feed does not have: the restore must fail without asking the default source.
probe=$(mktemp -d "$PWD/obj-supply-chain-XXXXXX")
trap 'rm -rf "$probe"' EXIT
cat >"$probe/Probe.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
    <RestorePackagesWithLockFile>false</RestorePackagesWithLockFile>
    <RestorePackagesPath>$(MSBuildProjectDirectory)/packages</RestorePackagesPath>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Customers.Client" Version="99.0.0" />
  </ItemGroup>
</Project>
XML
if out=$(dotnet restore "$probe/Probe.csproj" -nologo 2>&1); then
  echo "Customers.Client 99.0.0 was restored from somewhere: $out"
  exit 1
fi
# NuGet words it two ways: no Customers.Client in the feed at all (NU1101), or not that version (NU1102).
if ! grep -qE "the following source\(s\) were not considered: nuget.org|Versions from nuget.org were not considered" <<<"$out"; then
  echo "The restore failed, but not because source mapping kept Customers.* to the local feed:"
  echo "$out"
  exit 1
fi
echo "Customers.* resolves from the local feed only; every lock file holds."
