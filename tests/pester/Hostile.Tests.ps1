# What a careless or hostile user finds: names with brackets, headers that lie about sizes, damaged models and
# checkpoints, NaN cells, the wrong experiment, crashed writers, two trainings in one folder. Each case must end in a
# result, a warning with a stable id, or an error with a stable ErrorId and a proper category; never silence, a raw
# .NET exception, a stale temporary file or a stopped batch.
BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    $script:real = Join-Path $PSScriptRoot '../data/nmrinversions-jl'

    # Runs a script with its errors and warnings captured: Output, Errors (ErrorRecords, terminating or not), Warnings
    # (messages) and whether an error was terminating.
    function Invoke-Case([scriptblock] $Script) {
        $ErrorActionPreference = 'Continue'
        $WarningPreference = 'Continue'
        $terminating = $false
        $all = @()
        try { $all = @(& $Script 2>&1 3>&1) }
        catch { $terminating = $true; $all += $_ }
        [pscustomobject]@{
            Output      = @($all | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] -and $_ -isnot [Management.Automation.WarningRecord] })
            Errors      = @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
            Warnings    = @($all | Where-Object { $_ -is [Management.Automation.WarningRecord] } | ForEach-Object Message)
            Terminating = $terminating
        }
    }

    # A tiny model (seconds; one acquisition grid) and signals on its grid.
    $script:modelRun = Start-NmrTraining (Join-Path $TestDrive 'tiny') -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 32 `
        -ValidationInterval 2 -ValidationSize 16 -TestSize 16 -Name tiny -Seed 5
    $g = $script:modelRun.Card.Grid
    $script:grid16 = @{ AcquisitionAxis1 = $g.Acquisition1.Values; AcquisitionAxis2 = $g.Acquisition2.Values }
    $script:d16 = New-NmrDistribution -Preset A -Axis1 $g.Relaxation1.Values -Axis2 $g.Relaxation2.Values
    $script:s16 = $script:d16 | New-NmrSignal -Snr 100 -Seed 1 @grid16
    function Copy-Signal($s, [double[,]] $Values, $Kernels = $s.Kernels, [string] $Name = 'copy') {
        [NmrInversion.Engine.Signals.Signal2D]::new($Values, $s.Axis1, $s.Axis2, $Kernels, $s.RelaxationAxis1, $s.RelaxationAxis2,
            $s.NoiseSigma, $s.Snr, $null, $Name, $s.Seed, $null)
    }
}

Describe 'Paths with wildcard characters' {
    BeforeAll {
        $script:bracket = Join-Path $TestDrive 'br[1]'
        New-Item -ItemType Directory -Path $bracket -Force | Out-Null
        Copy-Item -LiteralPath (Join-Path $real 'csv/IR_sandstone.csv') -Destination (Join-Path $bracket 'IR.csv')
        $script:irPath = Join-Path $bracket 'IR.csv'
    }

    It 'reads a file in a folder named br[1] by -LiteralPath, by piped Get-Item -LiteralPath and by -Path' {
        @(Import-NmrSignal -LiteralPath $irPath -Experiment T1).Count | Should -Be 1
        @(Get-Item -LiteralPath $irPath | Import-NmrSignal -Experiment T1).Count | Should -Be 1
        @(Get-ChildItem -LiteralPath $bracket -File | Import-NmrSignal -Experiment T1).Count | Should -Be 1
        # -Path: the pattern matches nothing (no folder "br1"), the literal name exists: it is read.
        $r = Invoke-Case { Import-NmrSignal -Path $irPath -Experiment T1 }
        $r.Output.Count | Should -Be 1
        $r.Errors.Count | Should -Be 0
        $r.Output[0].Values[0, 0] | Should -Be (Import-NmrSignal -LiteralPath $irPath -Experiment T1).Values[0, 0]
    }

    It 'expands -Path wildcards by PowerShell''s rules and reports a pattern that matches nothing (FileNotFound, ObjectNotFound)' {
        $dir = Join-Path $TestDrive 'wild'
        New-Item -ItemType Directory $dir -Force | Out-Null
        foreach ($n in 'a1', 'a2', 'b1') { Copy-Item (Join-Path $real 'csv/IR_sandstone.csv') (Join-Path $dir "$n.csv") }
        @(Import-NmrSignal -Path (Join-Path $dir 'a[12].csv') -Experiment T1).Name | Should -Be @('a1', 'a2')
        @(Import-NmrSignal -Path (Join-Path $dir '*.csv') -Experiment T1).Count | Should -Be 3
        $r = Invoke-Case { Import-NmrSignal -Path (Join-Path $dir 'z*.csv'), (Join-Path $dir 'b1.csv') -Experiment T1 }
        $r.Output.Count | Should -Be 1
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'FileNotFound,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $r = Invoke-Case { Import-NmrSignal -LiteralPath (Join-Path $dir 'a[12].csv') -Experiment T1 }
        $r.Output.Count | Should -Be 0
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'FileNotFound,*'
    }

    It 'exports to a name with brackets by -LiteralPath and reads it back' {
        $target = Join-Path $bracket 's[2].json'
        $s16 | Export-NmrSignal -LiteralPath $target
        Test-Path -LiteralPath $target | Should -BeTrue
        (Import-NmrSignal -LiteralPath $target).Values[2, 3] | Should -Be $s16.Values[2, 3]
        $d16 | Export-NmrPlot -LiteralPath (Join-Path $bracket 'p[1].png') -Width 400 -Height 300 | Out-Null
        Test-Path -LiteralPath (Join-Path $bracket 'p[1].png') | Should -BeTrue
    }
}

Describe 'Header counts against the file''s length' {
    It 'refuses a Spinsolve acqu.par claiming 1,000,000,000 echoes at once (SpinsolveShapeMismatch)' {
        $dir = Join-Path $TestDrive 'huge-echoes'
        Copy-Item (Join-Path $real 'spinsolve_txt/IRCPMG') $dir -Recurse
        $par = Join-Path $dir 'acqu.par'
        (Get-Content $par) -replace '^nrEchoes = .*', 'nrEchoes = 1000000000' | Set-Content $par
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $r = Invoke-Case { Import-NmrSignal $dir }
        $clock.Stop()
        $r.Output.Count | Should -Be 0
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SpinsolveShapeMismatch,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $r.Errors[0].Exception.Message | Should -Match '1000000000 echoes'
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 10
    }

    It 'reports a Tecmag file cut in half as TecmagFileTruncated, not as a missing delay table' {
        $bytes = [IO.File]::ReadAllBytes((Join-Path $real 'tecmag_tnt/IR_silicon_oil.tnt'))
        $half = Join-Path $TestDrive 'half.tnt'
        [IO.File]::WriteAllBytes($half, $bytes[0..([int]($bytes.Length / 2))])
        $r = Invoke-Case { Import-NmrSignal $half }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'TecmagFileTruncated,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $r.Errors[0].Exception.Message | Should -Not -Match '-Axis1'
    }
}

Describe 'Inversion efficiency and the U-Net' {
    It 'documents what the U-Net does with kappa < 1: a model of one grid refuses it (ModelGridMismatch)' {
        $text = (Get-Help Import-NmrSignal -Parameter InversionEfficiency | Out-String)
        $text | Should -Not -Match 'models are trained with kappa = 1 and refuse'
        $text | Should -Match 'model of one acquisition grid refuses it \(ModelGridMismatch\)'
        $kappa = Copy-Signal $s16 $s16.Values ($s16.Kernels.WithInversionEfficiency(0.7)) -Name kappa
        $r = Invoke-Case { $kappa | Invoke-NmrUnetInversion -ModelPath $modelRun.ModelPath }
        $r.Output.Count | Should -Be 0
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelGridMismatch,*'
    }
}

Describe 'Per-item errors in batches' {
    It 'inverts the good signals of a U-Net batch around an all-zero one (SignalAllZero for that signal only)' {
        $zero = Copy-Signal $s16 ([double[,]]::new(16, 16)) -Name zero
        $r = Invoke-Case { $s16, $zero, $s16 | Invoke-NmrUnetInversion -ModelPath $modelRun.ModelPath }
        $r.Terminating | Should -BeFalse
        $r.Output.Count | Should -Be 2
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SignalAllZero,*'
        $r.Errors[0].TargetObject.Name | Should -Be 'zero'
    }

    It 'refuses a model whose weights are NaN (hash re-pinned) with ModelWeightsNotFinite, InvalidData' {
        $dir = Join-Path $TestDrive 'nan-model'
        New-Item -ItemType Directory $dir | Out-Null
        $card = Get-Content ($modelRun.ModelPath -replace '\.pt$', '.json') -Raw | ConvertFrom-Json
        $weights = Join-Path $dir $card.WeightsFile
        $net = [NmrInversion.Engine.Network.UNet]::new($modelRun.Card.Architecture)
        $net.load($modelRun.ModelPath) | Out-Null
        $guard = [TorchSharp.torch]::no_grad()
        foreach ($p in $net.parameters()) { $null = $p.fill_([TorchSharp.Scalar][double]::NaN) }
        $guard.Dispose()
        $net.save($weights) | Out-Null
        $net.Dispose()
        $card.WeightsSha256 = (Get-FileHash $weights -Algorithm SHA256).Hash.ToLowerInvariant()
        $card | ConvertTo-Json -Depth 20 | Set-Content ($weights -replace '\.pt$', '.json')
        $r = Invoke-Case { $s16 | Invoke-NmrUnetInversion -ModelPath $weights }
        $r.Output.Count | Should -Be 0
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelWeightsNotFinite,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $r.Errors[0].Exception | Should -BeOfType ([NmrInversion.Engine.NmrInputException])
    }
}

Describe 'Too few points and NaN cells' {
    It 'warns that a 2-point signal has no noise level (NoiseLevelUnknown) and that its misfit is unknown (MisfitUnknown)' {
        $p = Join-Path $TestDrive 'two.csv'
        Set-Content $p "t,s`n0.001,1`n0.002,0.8"
        $r = Invoke-Case { Import-NmrSignal $p -Experiment T2 }
        $r.Output.Count | Should -Be 1
        $r.Output[0].NoiseSigma | Should -BeNullOrEmpty
        @($r.Warnings -match '^\[NoiseLevelUnknown\]').Count | Should -Be 1
        $r.Output[0].Warnings.Id | Should -Contain 'NoiseLevelUnknown'
        $t = Invoke-Case { $r.Output[0] | Invoke-NmrTikhonov }
        [double]::IsNaN($t.Output[0].Misfit) | Should -BeTrue
        $t.Warnings -match '^\[MisfitUnknown\]' | Should -Not -BeNullOrEmpty
    }

    It 'names a NaN cell (SignalNotFinite) in Tikhonov, MTGV, U-Net and Export-NmrSignal, and refuses NaN maps in Measure-NmrChi and Get-NmrPeak' {
        $s = $d16 | New-NmrSignal -Snr 100 -Seed 2 @grid16
        $s.Values[3, 4] = [double]::NaN
        foreach ($case in @(
                { $s | Invoke-NmrTikhonov },
                { $s | Invoke-NmrMtgv -MaxIterations 50 },
                { $s | Invoke-NmrUnetInversion -ModelPath $modelRun.ModelPath })) {
            $r = Invoke-Case $case
            $r.Output.Count | Should -Be 0
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SignalNotFinite,*'
            $r.Errors[0].Exception.Message | Should -Match '\[3, 4\]'
        }
        $csv = Join-Path $TestDrive 'nan.csv'
        $r = Invoke-Case { $s | Export-NmrSignal $csv }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SignalNotFinite,*'
        Test-Path $csv | Should -BeFalse
        @(Get-ChildItem $TestDrive -Force -Filter '.nan.csv*').Count | Should -Be 0

        $d = New-NmrDistribution -Preset A -Axis1 $d16.Axis1.Values -Axis2 $d16.Axis2.Values
        $d.Values[5, 5] = [double]::NaN
        $r = Invoke-Case { Measure-NmrChi -Reference $d16 -Reconstruction $d }
        $r.Output.Count | Should -Be 0
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'DistributionNotFinite,*'
        $r = Invoke-Case { $d | Get-NmrPeak }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'DistributionNotFinite,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }
}

Describe 'Kernel shape on import' {
    It 'warns (KernelShapeRising) when a rising inversion recovery is imported as -Experiment T2, and not as T1' {
        $path = Join-Path $real 'csv/IR_sandstone.csv'
        $r = Invoke-Case { Import-NmrSignal $path -Experiment T2 }
        $r.Output.Count | Should -Be 1
        $r.Warnings -match '^\[KernelShapeRising\]' | Should -Not -BeNullOrEmpty
        $r.Output[0].Warnings.Id | Should -Contain 'KernelShapeRising'
        $ok = Invoke-Case { Import-NmrSignal $path -Experiment T1 }
        $ok.Warnings | Should -BeNullOrEmpty
        $ok.Output[0].Warnings.Count | Should -Be 0
        # and the other way round: a CPMG decay imported as a T1 recovery
        $r = Invoke-Case { Import-NmrSignal (Join-Path $real 'csv/CPMG_graphene.csv') -Experiment T1 }
        $r.Output[0].Warnings.Id | Should -Contain 'KernelShapeDecaying'
    }

    It 'gives no shape warning for the real instrument files' {
        $files = @((Join-Path $real 'spinsolve_txt/IRCPMG'), (Join-Path $real 'spinsolve_txt/PFGCPMG'), (Join-Path $real 'geospec_txt/IR_bunter.txt'),
            (Join-Path $real 'geospec_txt/CPMG_bunter.txt'), (Join-Path $real 'bruker/minispec/cpmg.dps'), (Join-Path $real 'tecmag_tnt/IR_silicon_oil.tnt'))
        $r = Invoke-Case { Import-NmrSignal $files }
        $r.Output.Count | Should -Be 6
        $r.Warnings | Should -BeNullOrEmpty
    }

    It 'warns (FileNoiseInvalid) for a GeoSpec Noise of <Noise> and estimates the noise instead' -ForEach @(@{ Noise = 'NaN' }, @{ Noise = '-5' }, @{ Noise = '0' }) {
        $p = Join-Path $TestDrive "noise-$Noise.txt"
        (Get-Content (Join-Path $real 'geospec_txt/IR_bunter.txt')) -replace '^Noise=.*', "Noise=$Noise" | Set-Content $p
        $r = Invoke-Case { Import-NmrSignal $p }
        $r.Output.Count | Should -Be 1
        $r.Warnings -match '^\[FileNoiseInvalid\]' | Should -Not -BeNullOrEmpty
        $r.Output[0].NoiseSigma | Should -BeGreaterThan 0
        $r.Output[0].Provenance['NoiseSource'] | Should -Match 'not a positive number'
        $ok = Invoke-Case { Import-NmrSignal (Join-Path $real 'geospec_txt/IR_bunter.txt') }
        $ok.Warnings | Should -BeNullOrEmpty
        $ok.Output[0].NoiseSigma | Should -Be 123.27008056640625
    }
}

Describe 'Atomic writes' {
    It 'removes the temporary files a crashed writer left behind on the next write of that target, and keeps a live writer''s' {
        $dir = Join-Path $TestDrive 'crash'
        New-Item -ItemType Directory $dir | Out-Null
        $target = Join-Path $dir 'target.csv'
        $s16 | Export-NmrSignal $target
        # What kill -9 leaves: the temporary file of a process that no longer runs (and one of the older naming, an hour old).
        $dead = [Diagnostics.Process]::Start('true'); $dead.WaitForExit(); $deadPid = $dead.Id
        $stale = Join-Path $dir ".target.csv.$deadPid-$([guid]::NewGuid().ToString('N')).tmp"
        $legacy = Join-Path $dir ".target.csv.$([guid]::NewGuid().ToString('N')).tmp"
        $live = Join-Path $dir ".target.csv.1-$([guid]::NewGuid().ToString('N')).tmp"   # process 1 always runs
        $other = Join-Path $dir ".other.csv.$deadPid-$([guid]::NewGuid().ToString('N')).tmp"
        foreach ($f in $stale, $legacy, $live, $other) { [IO.File]::WriteAllBytes($f, [byte[]]::new(1MB)) }
        (Get-Item -Force $legacy).LastWriteTimeUtc = [DateTime]::UtcNow.AddHours(-1)
        $s16 | Export-NmrSignal $target -Force
        Test-Path $stale | Should -BeFalse
        Test-Path $legacy | Should -BeFalse
        Test-Path $live | Should -BeTrue
        Test-Path $other | Should -BeTrue     # another target's: left to its own next write
        (Import-NmrSignal $target).Values[1, 1] | Should -Be $s16.Values[1, 1]
        # The same service writes figures.
        $png = Join-Path $dir 'fig.png'
        $stalePng = Join-Path $dir ".fig.png.$deadPid-$([guid]::NewGuid().ToString('N')).tmp"
        [IO.File]::WriteAllBytes($stalePng, [byte[]]::new(10))
        $d16 | Export-NmrPlot $png -Width 400 -Height 300 | Out-Null
        Test-Path $stalePng | Should -BeFalse
    }

    It 'reports an unwritable folder from Export-NmrPlot as a non-terminating error, like every export' {
        if ([Environment]::UserName -eq 'root' -or $IsWindows) {
            $folder = '/sys'     # root may write anywhere else; not in /sys (EACCES)
        }
        else {
            $folder = Join-Path $TestDrive 'readonly'
            New-Item -ItemType Directory $folder | Out-Null
            chmod a-w $folder
        }
        $r = Invoke-Case { $d16 | Export-NmrPlot (Join-Path $folder 'x.png') -Width 400 -Height 300; 'after' }
        $r.Terminating | Should -BeFalse
        $r.Output | Should -Be @('after')
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeIn @('FileAccessDenied,NmrInversion.Commands.ExportNmrPlotCommand', 'FileAccessFailed,NmrInversion.Commands.ExportNmrPlotCommand')
        $r.Errors[0].CategoryInfo.Category | Should -BeIn @('PermissionDenied', 'WriteError')
        $s = Invoke-Case { $s16 | Export-NmrSignal (Join-Path $folder 'x.csv'); 'after' }
        $s.Terminating | Should -BeFalse
        $s.Errors[0].FullyQualifiedErrorId.Split(',')[0] | Should -Be $r.Errors[0].FullyQualifiedErrorId.Split(',')[0]
        # A missing folder: the same id (DirectoryNotFound) for every export.
        $m = Invoke-Case { $d16 | Export-NmrPlot (Join-Path $TestDrive 'no/such/x.png'); 'after' }
        $m.Output | Should -Be @('after')
        $m.Errors[0].FullyQualifiedErrorId | Should -BeLike 'DirectoryNotFound,*'
    }
}

Describe 'Training run folders' {
    It 'refuses a second training in a folder that another process trains in (RunDirectoryInUse, with its process id)' {
        $dir = Join-Path $TestDrive 'locked'
        New-Item -ItemType Directory $dir | Out-Null
        $engine = [NmrInversion.Engine.Network.RunDirectoryLock].Assembly.Location
        $script = "Add-Type -Path '$engine'; `$l = [NmrInversion.Engine.Network.RunDirectoryLock]::Acquire('$dir'); Start-Sleep 60"
        # Another PowerShell process (this one's host: pwsh, or dotnet running pwsh.dll) holds the folder's lock.
        $self = (Get-Process -Id $PID).Path
        $arguments = @(if ([IO.Path]::GetFileNameWithoutExtension($self) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' }) + @('-NoProfile', '-NonInteractive', '-EncodedCommand', [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($script)))
        $holder = Start-Process -FilePath $self -ArgumentList $arguments -PassThru
        try {
            $pidFile = Join-Path $dir 'training.lock.pid'
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while (-not ((Test-Path $pidFile) -and (Get-Content $pidFile -Raw)) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            (Get-Content $pidFile -Raw).Trim() | Should -Be "$($holder.Id)"
            $r = Invoke-Case { Start-NmrTraining $dir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 16 -ValidationSize 16 -TestSize 16 }
            $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'RunDirectoryInUse,*'
            $r.Errors[0].Exception.Message | Should -Match "process $($holder.Id)"
            Test-Path (Join-Path $dir 'checkpoint.json') | Should -BeFalse
        }
        finally {
            Stop-Process -Id $holder.Id -Force -ErrorAction SilentlyContinue
            $holder.WaitForExit()
        }
        # Its death frees the folder.
        $run = Start-NmrTraining $dir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 16 -ValidationSize 16 -TestSize 16
        $run.SamplesSeen | Should -Be 16
    }

    It 'keeps the previous checkpoint intact and resumable when writing the next one fails, and leaves no orphan' {
        $dir = Join-Path $TestDrive 'full'
        $common = @{ GridSize = 16; BaseChannels = 4; Depth = 2; BatchSize = 16; ValidationSize = 16; TestSize = 16; ValidationInterval = 1 }
        Start-NmrTraining $dir @common -Samples 32 | Out-Null
        (Get-Content (Join-Path $dir 'checkpoint.json') -Raw | ConvertFrom-Json).Step | Should -Be 2
        # The optimizer file of step 4 cannot be written (a folder of that name stands in for a full disk).
        New-Item -ItemType Directory (Join-Path $dir 'checkpoint-4.optimizer') | Out-Null
        $r = Invoke-Case { Start-NmrTraining $dir -Resume -Samples 64 }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'CheckpointWriteFailed,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'WriteError'
        $state = Get-Content (Join-Path $dir 'checkpoint.json') -Raw | ConvertFrom-Json
        $state.Step | Should -Be 2
        Test-Path (Join-Path $dir $state.WeightsFile) | Should -BeTrue
        Test-Path (Join-Path $dir $state.OptimizerFile) | Should -BeTrue
        Test-Path (Join-Path $dir 'checkpoint-4.pt') | Should -BeFalse
        @(Get-ChildItem $dir -Force -Filter '*.tmp').Count | Should -Be 0
        Remove-Item (Join-Path $dir 'checkpoint-4.optimizer')
        $more = Start-NmrTraining $dir -Resume -Samples 64
        $more.SamplesSeen | Should -Be 64
    }

    It "refuses a damaged (<Damage>) checkpoint on -Resume with CheckpointInvalid (InvalidData)" -ForEach @(@{ Damage = 'random' }, @{ Damage = 'truncated' }) {
        $dir = Join-Path $TestDrive "damaged-$Damage"
        Start-NmrTraining $dir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 16 -ValidationSize 16 -TestSize 16 | Out-Null
        $state = Get-Content (Join-Path $dir 'checkpoint.json') -Raw | ConvertFrom-Json
        $w = Join-Path $dir $state.WeightsFile
        $b = [IO.File]::ReadAllBytes($w)
        if ($Damage -eq 'random') { [Random]::new(3).NextBytes($b) } else { $b = $b[0..([int]($b.Length / 2))] }
        [IO.File]::WriteAllBytes($w, $b)
        $r = Invoke-Case { Start-NmrTraining $dir -Resume -Samples 32 }
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'CheckpointInvalid,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }
}
