# The packages build.ps1 -Task Package writes (the Test task builds them first, once): the linux-x64 one installs from
# a local PSResource repository and works when imported by name in a new process; the win-x64 one, which cannot run
# here, is checked for its layout: Windows natives, a RootModule that names the managed assembly, the documents.
BeforeAll {
    $root = Split-Path (Split-Path $PSScriptRoot)
    $version = (Import-PowerShellDataFile (Join-Path $root 'NmrInversion.psd1')).ModuleVersion
    $nupkg = Join-Path $root "artifacts/packages/linux-x64/NmrInversion.$version.nupkg"
    $winNupkg = Join-Path $root "artifacts/packages/win-x64/NmrInversion.$version.nupkg"
    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem

    # The entries of a package (paths with '/'), and a way to read the start of one without unpacking the package.
    function Get-PackageEntry([string] $Path) {
        $zip = [IO.Compression.ZipFile]::OpenRead($Path)
        try { @($zip.Entries | ForEach-Object { [uri]::UnescapeDataString($_.FullName) }) } finally { $zip.Dispose() }
    }
    function Read-PackageBytes([string] $Path, [string] $Entry, [int] $Count) {
        $zip = [IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $e = $zip.Entries | Where-Object { [uri]::UnescapeDataString($_.FullName) -eq $Entry }
            $stream = $e.Open()
            try {
                $buffer = [byte[]]::new([Math]::Min($Count, $e.Length)); $read = 0
                while ($read -lt $buffer.Length) { $n = $stream.Read($buffer, $read, $buffer.Length - $read); if ($n -le 0) { break }; $read += $n }
                , $buffer
            } finally { $stream.Dispose() }
        } finally { $zip.Dispose() }
    }
    function Save-PackageEntry([string] $Path, [string] $Entry, [string] $Destination) {
        $zip = [IO.Compression.ZipFile]::OpenRead($Path)
        try {
            $e = $zip.Entries | Where-Object { [uri]::UnescapeDataString($_.FullName) -eq $Entry }
            New-Item -ItemType Directory -Path (Split-Path $Destination) -Force | Out-Null
            [IO.Compression.ZipFileExtensions]::ExtractToFile($e, $Destination, $true)
        } finally { $zip.Dispose() }
    }
    # The machine field of a PE (Windows) image: 0x8664 for x64.
    function Get-PeMachine([byte[]] $Bytes) {
        if ($Bytes[0] -ne 0x4D -or $Bytes[1] -ne 0x5A) { return $null }   # 'MZ'
        $pe = [BitConverter]::ToInt32($Bytes, 0x3C)
        if ([Text.Encoding]::ASCII.GetString($Bytes, $pe, 4) -ne "PE`0`0") { return $null }
        [BitConverter]::ToUInt16($Bytes, $pe + 4)
    }
}

Describe 'Installable package' {
    It 'is built with the manifest version' {
        Test-Path $nupkg | Should -BeTrue -Because 'build.ps1 -Task Package (run by -Task Test) writes it'
        (Get-Item $nupkg).Length | Should -BeLessThan 300MB
        $entries = Get-PackageEntry $nupkg
        foreach ($e in 'README.md', 'LICENSE', 'en-US/about_NmrInversion.help.txt', 'module/bin/libtorch_cpu.so', 'module/bin/libLibTorchSharp.so') {
            $entries | Should -Contain $e
        }
        $entries | Should -Not -Contain 'module/bin/torch_cpu.dll' -Because 'the Linux package carries no Windows libtorch'
        $entries | Should -Not -Contain 'module/bin/LibTorchSharp.dll'
    }

    It 'publishes to a local repository, installs from it, imports by name and runs a pipeline' {
        $home2 = Join-Path $TestDrive 'home'
        $repo = Join-Path $TestDrive 'repo'
        $modules = Join-Path $TestDrive 'modules'
        New-Item -ItemType Directory -Path $home2, $repo, $modules -Force | Out-Null
        # An isolated data folder keeps the repository registration out of the user's PSResourceGet settings
        # (PSResourceGet keeps them under LocalApplicationData, i.e. $XDG_DATA_HOME on Linux; HOME must stay, since
        # dotnet finds its local tools through the NuGet cache below it).
        $install = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name NmrLocal -Uri '$repo' -Trusted
Publish-PSResource -NupkgPath '$nupkg' -Repository NmrLocal
Save-PSResource -Name NmrInversion -Repository NmrLocal -Path '$modules' -TrustRepository
"@
        $saved = $env:XDG_DATA_HOME
        $env:XDG_DATA_HOME = $home2
        try { & dotnet pwsh -NoProfile -NonInteractive -Command $install } finally { $env:XDG_DATA_HOME = $saved }
        Test-Path (Join-Path $home2 'PSResourceGet') | Should -BeTrue -Because 'the registration went to the isolated folder'
        $LASTEXITCODE | Should -Be 0
        Test-Path (Join-Path $modules "NmrInversion/$version/NmrInversion.psd1") | Should -BeTrue

        $use = @"
`$ErrorActionPreference = 'Stop'
`$env:PSModulePath = '$modules' + [IO.Path]::PathSeparator + `$env:PSModulePath
Import-Module NmrInversion
`$r = New-NmrDistribution -Preset A | New-NmrSignal -Snr 200 -Seed 1 | Invoke-NmrTikhonov | Measure-NmrChi
'{0};{1}' -f (Get-Module NmrInversion).ModuleBase, `$r.Chi2D
"@
        $out = & dotnet pwsh -NoProfile -NonInteractive -Command $use
        $LASTEXITCODE | Should -Be 0
        $base, $chi = ($out | Select-Object -Last 1) -split ';'
        $base | Should -BeLike "$modules*"
        [double]$chi | Should -BeGreaterThan 0
        [double]$chi | Should -BeLessThan 100
    }
}

Describe 'Windows (win-x64) package' {
    BeforeAll {
        $entries = Get-PackageEntry $winNupkg
        $unpacked = Join-Path $TestDrive 'win'
        Save-PackageEntry $winNupkg 'NmrInversion.psd1' (Join-Path $unpacked 'NmrInversion.psd1')
        $manifest = Import-PowerShellDataFile (Join-Path $unpacked 'NmrInversion.psd1')
    }

    It 'is built by the Package task beside the Linux one, with the manifest version' {
        Test-Path $winNupkg | Should -BeTrue -Because 'build.ps1 -Task Package (run by -Task Test) writes one package per runtime'
        (Get-Item $winNupkg).Length | Should -BeLessThan 300MB
        $manifest.ModuleVersion | Should -Be $version
    }

    It 'carries the x64 Windows natives of libtorch, TorchSharp and SkiaSharp, and no Linux ones' {
        foreach ($dll in 'torch_cpu.dll', 'torch.dll', 'c10.dll', 'LibTorchSharp.dll', 'libiomp5md.dll', 'libSkiaSharp.dll', 'libHarfBuzzSharp.dll') {
            $entries | Should -Contain "module/bin/$dll"
        }
        foreach ($dll in 'torch_cpu.dll', 'LibTorchSharp.dll', 'c10.dll', 'libSkiaSharp.dll') {
            Get-PeMachine (Read-PackageBytes $winNupkg "module/bin/$dll" 4096) | Should -Be 0x8664 -Because "$dll must be an x64 Windows image"
        }
        $entries | Where-Object { $_ -like '*.so' -or $_ -like '*.so.*' -or $_ -like '*.dylib' } | Should -BeNullOrEmpty
    }

    It 'has a RootModule that resolves to the managed cmdlet assembly, published for win-x64' {
        $rootModule = $manifest.RootModule -replace '\\', '/'
        $entries | Should -Contain $rootModule
        $dll = Join-Path $unpacked $rootModule
        Save-PackageEntry $winNupkg $rootModule $dll
        [Reflection.AssemblyName]::GetAssemblyName($dll).Name | Should -Be 'NmrInversion'
        $depsEntry = [IO.Path]::ChangeExtension($rootModule, '.deps.json')
        Save-PackageEntry $winNupkg $depsEntry (Join-Path $unpacked $depsEntry)
        $deps = Get-Content (Join-Path $unpacked $depsEntry) -Raw | ConvertFrom-Json
        $deps.runtimeTarget.name | Should -BeLike '*/win-x64'
        foreach ($f in @($manifest.FormatsToProcess)) { $entries | Should -Contain ($f -replace '\\', '/') }
        foreach ($name in 'NmrInversion.Engine.dll', 'TorchSharp.dll', 'MathNet.Numerics.dll', 'ScottPlot.dll') { $entries | Should -Contain "module/bin/$name" }
    }

    It 'carries the README, the MIT LICENSE, the help, the about topic and the pretrained model' {
        foreach ($e in 'README.md', 'LICENSE', 'en-US/NmrInversion.dll-Help.xml', 'en-US/about_NmrInversion.help.txt', 'pretrained/model.json') {
            $entries | Should -Contain $e
        }
        Save-PackageEntry $winNupkg 'LICENSE' (Join-Path $unpacked 'LICENSE')
        Get-Content (Join-Path $unpacked 'LICENSE') -TotalCount 1 | Should -Be 'MIT License'
        $manifest.HelpInfoUri | Should -Not -BeNullOrEmpty
    }
}
