BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    $PSDefaultParameterValues['Invoke-NmrUnetInversion:WarningAction'] = 'SilentlyContinue'
    function Get-ErrorRecord([scriptblock] $Script) {
        try { & $Script; return $null } catch { return $_ }
    }
    function Get-MapDistance($a, $b) {
        $s = 0.0
        for ($i = 0; $i -lt $a.Values.GetLength(0); $i++) { for ($j = 0; $j -lt $a.Values.GetLength(1); $j++) { $d = $a.Values[$i, $j] - $b.Values[$i, $j]; $s += $d * $d } }
        [math]::Sqrt($s)
    }
    # A tiny model trained here (seconds): 16 x 16 paper grid (t1 1e-3..10 s, t2 1e-4..1 s), 4 base channels, depth 2.
    $script:runDir = Join-Path ([IO.Path]::GetTempPath()) ("nmr-unetgrid-pester-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:run = Start-NmrTraining $script:runDir -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 320 -LearningRate 1e-2 `
        -ValidationInterval 10 -ValidationSize 32 -TestSize 16 -Name tinygrid
    $script:model = $script:run.ModelPath
    $script:truth = New-NmrDistribution -Component @(-1, 0.2, -2, 0.2, 1) -Points 16
    $script:native = $script:truth | New-NmrSignal -AcquisitionAxis1 $script:run.Card.Grid.Acquisition1.Values -AcquisitionAxis2 $script:run.Card.Grid.Acquisition2.Values
}

AfterAll {
    # $PSDefaultParameterValues is one table for the whole run: later files must not inherit these.
    $PSDefaultParameterValues.Remove('Invoke-NmrUnetInversion:WarningAction')
}

AfterAll {
    Remove-Item $script:runDir -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Invoke-NmrUnetInversion -Resample' {
    It 'inverts a signal measured on a denser grid over the same range like the model-grid signal' {
        # 40 x 50 log-spaced points over the model's ranges (noiseless).
        $t1 = [NmrInversion.Engine.Grids.Axis]::LogSpace(1e-3, 10, 40)
        $t2 = [NmrInversion.Engine.Grids.Axis]::LogSpace(1e-4, 1, 50)
        $dense = $script:truth | New-NmrSignal -AcquisitionAxis1 $t1 -AcquisitionAxis2 $t2
        $rn = $script:native | Invoke-NmrUnetInversion -ModelPath $script:model
        $rr = $dense | Invoke-NmrUnetInversion -ModelPath $script:model -Resample -Verbose 4>&1
        $verbose = @($rr | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $rr = $rr | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'resampled'
        $rr.Signal | Should -Be $dense
        $rr.Distribution.Axis1 | Should -Be $rn.Distribution.Axis1
        # The two reconstructions differ by the interpolation error only: far less than either differs from the truth... or from zero.
        $between = Get-MapDistance $rr.Distribution $rn.Distribution
        $norm = Get-MapDistance $rn.Distribution ([NmrInversion.Engine.Distributions.Distribution2D]::new([double[,]]::new(16, 16), $rn.Distribution.Axis1, $rn.Distribution.Axis2))
        $between / $norm | Should -BeLessThan 0.02
        # The misfit is against the 40 x 50 measurement.
        $rr.Misfit | Should -Not -BeNullOrEmpty
        $rr.ResidualNorm | Should -BeLessThan (0.05 * [math]::Sqrt(2000) * $dense.MaxAbs)
    }

    It 'refuses a signal whose measured range does not cover the model''s (ResampleRangeNotCovered), per item' {
        $short = $script:truth | New-NmrSignal -AcquisitionAxis1 ([NmrInversion.Engine.Grids.Axis]::LogSpace(2e-3, 10, 30)) -AcquisitionAxis2 ([NmrInversion.Engine.Grids.Axis]::LogSpace(1e-4, 1, 30))
        $out = $short, $script:native | Invoke-NmrUnetInversion -ModelPath $script:model -Resample -ErrorVariable errs -ErrorAction SilentlyContinue
        @($out).Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ResampleRangeNotCovered*'
        $errs[0].Exception.Message | Should -Match '0\.002.*no extrapolation'
    }

    It 'names -Resample when a signal is on another grid and -Resample is not given' {
        $t1 = [NmrInversion.Engine.Grids.Axis]::LogSpace(1e-3, 10, 40)
        $dense = $script:truth | New-NmrSignal -AcquisitionAxis1 $t1 -AcquisitionAxis2 $script:run.Card.Grid.Acquisition2.Values
        $e = Get-ErrorRecord { $dense | Invoke-NmrUnetInversion -ModelPath $script:model -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ModelGridMismatch*'
        $e.Exception.Message | Should -Match '-Resample'
    }
}

Describe 'Invoke-NmrUnetInversion translation on log axes' {
    It 'maps a T1-T2 signal on axes shifted by a decade onto the model, relaxation axes shifted alike' {
        # The model's t1 times 10 and t2 times 0.1: same point count and log spacing.
        $t1 = $script:run.Card.Grid.Acquisition1.Values | ForEach-Object { $_ * 10 }
        $t2 = $script:run.Card.Grid.Acquisition2.Values | ForEach-Object { $_ / 10 }
        $noisy = $script:truth | New-NmrSignal -Snr 300 -Seed 3 -AcquisitionAxis1 $script:run.Card.Grid.Acquisition1.Values -AcquisitionAxis2 $script:run.Card.Grid.Acquisition2.Values
        $shifted = [NmrInversion.Engine.Signals.Signal2D]::new($noisy.Values, [NmrInversion.Engine.Grids.AcquisitionAxis]::new('t1', [double[]]$t1),
            [NmrInversion.Engine.Grids.AcquisitionAxis]::new('t2', [double[]]$t2), $noisy.Kernels, $null, $null, $noisy.NoiseSigma, $null, $null, 'shifted', $null, $null)
        $rn = $noisy | Invoke-NmrUnetInversion -ModelPath $script:model
        $out = $shifted | Invoke-NmrUnetInversion -ModelPath $script:model -Verbose 4>&1
        $verbose = @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $rt = $out | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'translated'
        # Same values -> same network input -> same map, on T1 axis x10 and T2 axis x0.1 (t/T preserved).
        $rt.Distribution.Axis1.Minimum | Should -BeGreaterThan (1e-2 * (1 - 1e-9))
        $rt.Distribution.Axis1.Minimum | Should -BeLessThan (1e-2 * (1 + 1e-9))
        $rt.Distribution.Axis2.Maximum | Should -BeGreaterThan (0.1 * (1 - 1e-9))
        $rt.Distribution.Axis2.Maximum | Should -BeLessThan (0.1 * (1 + 1e-9))
        Get-MapDistance $rt.Distribution $rn.Distribution | Should -BeLessThan 1e-6
        $rt.Misfit | Should -BeGreaterThan ($rn.Misfit * (1 - 1e-6))
        $rt.Misfit | Should -BeLessThan ($rn.Misfit * (1 + 1e-6))
        $rt.Signal.Name | Should -Be 'shifted'
    }
}

Describe 'A model for every acquisition grid (Start-NmrTraining -AnyAcquisitionGrid)' {
    BeforeAll {
        # Tiny (seconds): 16 x 16 distribution grid, acquisition grids drawn per batch from the T1-T2 instrument family.
        $script:anyRun = Start-NmrTraining (Join-Path $script:runDir 'any') -AnyAcquisitionGrid -Dropout 0 -GridSize 16 -BaseChannels 4 -Depth 2 `
            -BatchSize 16 -Samples 64 -ValidationInterval 2 -ValidationSize 16 -TestSize 16 -Name anygrid
        $script:spinsolveFile = Join-Path $PSScriptRoot '../data/nmrinversions-jl/spinsolve_txt/IRCPMG/T1IRT2.dat'

    }

    It 'records the family in the model card' {
        $card = Get-Content ($script:anyRun.CardPath) -Raw | ConvertFrom-Json
        $card.AcquisitionFamily.Axis1[0].MinCount | Should -Be 12
        @($card.AcquisitionFamily.Axis2).Count | Should -Be 2
        $card.AcquisitionFamily.Axis2[1].Spacing | Should -Be 'Linear'
        $card.Inputs.Channels | Should -Not -Contain 'signal'
    }

    It 'inverts a Spinsolve T1-T2 file (16 x 1024) on its own grid, with no resampling parameter' {
        $signal = Import-NmrSignal $script:spinsolveFile
        $signal.Axis1.Count | Should -Be 16
        $signal.Axis2.Count | Should -Be 1024
        $r = $signal | Invoke-NmrUnetInversion -ModelPath $script:anyRun.ModelPath -Verbose 4>&1
        $verbose = @($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $r = $r | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'own acquisition grid'
        ($verbose.Message -join "`n") | Should -Not -Match 'resampled'
        $r.Signal.Axis2.Count | Should -Be 1024
        $r.Distribution.Axis1.Count | Should -Be 16
        $sum = 0.0; foreach ($v in $r.Distribution.Values) { $sum += $v }
        $sum | Should -BeGreaterThan 0.999999
        $sum | Should -BeLessThan 1.000001
        [double]::IsFinite($r.Misfit) | Should -BeTrue
    }

    It 'reads a signal with an inversion efficiency through the signal''s own kernels (the residual is the kappa model''s)' {
        $kernels = [NmrInversion.Engine.Kernels.KernelPair]::PaperT1T2.WithInversionEfficiency(0.7)
        $a1 = [NmrInversion.Engine.Grids.AcquisitionAxis]::new('t1', [NmrInversion.Engine.Grids.Axis]::LogSpace(1e-3, 3, 16))
        $a2 = [NmrInversion.Engine.Grids.AcquisitionAxis]::new('t2', [double[]](1..256 | ForEach-Object { $_ * 4e-4 }))
        $s = [NmrInversion.Engine.Signals.ForwardModel]::Simulate($script:truth, $kernels, $a1, $a2, 300, 5)
        $r = $s | Invoke-NmrUnetInversion -ModelPath $script:anyRun.ModelPath
        # Independent residual: the map through full kernels (no SVD), scaled by its least-squares amplitude.
        function Get-ScaledResidual($kp) {
            $fit = [NmrInversion.Engine.Signals.ForwardModel]::Apply($r.Distribution, $kp, $a1, $a2)
            $num = 0.0; $den = 0.0
            for ($i = 0; $i -lt 16; $i++) { for ($j = 0; $j -lt 256; $j++) { $num += $fit[$i, $j] * $s.Values[$i, $j]; $den += $fit[$i, $j] * $fit[$i, $j] } }
            $c = $num / $den; $ss = 0.0
            for ($i = 0; $i -lt 16; $i++) { for ($j = 0; $j -lt 256; $j++) { $d = $s.Values[$i, $j] - $c * $fit[$i, $j]; $ss += $d * $d } }
            [math]::Sqrt($ss)
        }
        [math]::Abs($r.ResidualNorm / (Get-ScaledResidual $kernels) - 1) | Should -BeLessThan 1e-6
        # The same map read against kappa = 1 kernels would leave another residual.
        [math]::Abs((Get-ScaledResidual ([NmrInversion.Engine.Kernels.KernelPair]::PaperT1T2)) / $r.ResidualNorm - 1) | Should -BeGreaterThan 0.01
    }

    It 'a model of one grid refuses a signal with an inversion efficiency (ModelGridMismatch)' {
        $kernels = [NmrInversion.Engine.Kernels.KernelPair]::PaperT1T2.WithInversionEfficiency(0.7)
        $card = $script:run.Card
        $a1 = [NmrInversion.Engine.Grids.AcquisitionAxis]::new('t1', [double[]]$card.Grid.Acquisition1.Values)
        $a2 = [NmrInversion.Engine.Grids.AcquisitionAxis]::new('t2', [double[]]$card.Grid.Acquisition2.Values)
        $s = [NmrInversion.Engine.Signals.ForwardModel]::Simulate($script:truth, $kernels, $a1, $a2, 300, 5)
        $e = Get-ErrorRecord { $s | Invoke-NmrUnetInversion -ModelPath $script:model -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'ModelGridMismatch*'
        $e.Exception.Message | Should -Match 'inversion efficiency 0.7'
    }

    It 'refuses a grid outside its family with AcquisitionOutsideFamily, naming the axis' {
        $t1 = [NmrInversion.Engine.Grids.Axis]::LogSpace(1e-3, 3, 16)
        $blind = $script:truth | New-NmrSignal -AcquisitionAxis1 $t1 -AcquisitionAxis2 (1..20 | ForEach-Object { $_ * 1e-4 }) -Snr 200
        $e = Get-ErrorRecord { $blind | Invoke-NmrUnetInversion -ModelPath $script:anyRun.ModelPath -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'AcquisitionOutsideFamily*'
        $e.CategoryInfo.Category | Should -Be 'InvalidData'
        $e.Exception.Message | Should -Match 'acquisition axis 2.*20 points'
    }

    It 'refuses to train a family model with a raw-signal channel' {
        $e = Get-ErrorRecord { Start-NmrTraining (Join-Path $script:runDir 'bad') -AnyAcquisitionGrid -IncludeSignalChannel -GridSize 16 -Samples 16 -ErrorAction Stop }
        $e.FullyQualifiedErrorId | Should -BeLike 'InputChannelsNeedFixedGrid*'
        Test-Path (Join-Path $script:runDir 'bad/checkpoint.json') | Should -BeFalse
    }
}
