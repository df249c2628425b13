# Bad input across every cmdlet: one row per case, each with the ErrorId and category it must give. The table runs
# twice, under the invariant-friendly en-US and under de-DE (decimal comma), because the module reads and writes numbers
# with the invariant culture whatever the session's culture is. A row with ErrorId $null must succeed.
BeforeDiscovery {
    $script:cultures = @('en-US', 'de-DE')
}

AfterAll {
    # $PSDefaultParameterValues is one table for the whole run: later files must not inherit these.
    $PSDefaultParameterValues.Remove('Invoke-NmrUnetInversion:WarningAction')
    $PSDefaultParameterValues.Remove('Invoke-NmrTikhonov:WarningAction')
}

BeforeAll {
    Import-Module "$PSScriptRoot/../../NmrInversion.psd1" -Force
    $PSDefaultParameterValues['Invoke-NmrUnetInversion:WarningAction'] = 'SilentlyContinue'
    $PSDefaultParameterValues['Invoke-NmrTikhonov:WarningAction'] = 'SilentlyContinue'

    # A file in the test drive with exactly these bytes (UTF-8, optional BOM).
    function New-TestFile([string] $Text, [string] $Extension = 'csv', [switch] $Bom) {
        $path = Join-Path $TestDrive ("case-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + ".$Extension")
        [IO.File]::WriteAllText($path, $Text, [Text.UTF8Encoding]::new($Bom.IsPresent))
        $path
    }
    # A two-column 1D decay (t in s, value) with a header; $Cells replaces the value column, $Times the time column.
    function New-DecayCsv([string[]] $Cells, [string[]] $Times) {
        $t = @(if ($Times) { $Times } else { 1..$Cells.Count | ForEach-Object { (1e-3 * [math]::Pow(2, $_ - 1)).ToString([cultureinfo]::InvariantCulture) } })
        $lines = for ($i = 0; $i -lt $Cells.Count; $i++) { "$($t[$i]),$($Cells[$i])" }
        New-TestFile ("t,s`n" + ($lines -join "`n") + "`n")
    }
    $script:decay = @('1', '0.8', '0.6', '0.45', '0.3', '0.2', '0.12', '0.07')
    function Import-Decay([string] $Path) { Import-NmrSignal $Path -Experiment T2 }

    # Runs a case with every error terminating; returns the ErrorRecord or the output.
    function Invoke-Case([scriptblock] $Script) {
        $ErrorActionPreference = 'Stop'
        try { $out = & $Script; return [pscustomobject]@{ Error = $null; Output = $out } }
        catch { return [pscustomobject]@{ Error = $_; Output = $null } }
    }

    # A tiny model (seconds) and damaged copies of it.
    $script:modelRun = Start-NmrTraining (Join-Path $TestDrive 'tiny') -GridSize 16 -BaseChannels 4 -Depth 2 -BatchSize 16 -Samples 32 `
        -ValidationInterval 2 -ValidationSize 16 -TestSize 16 -Name tiny -Seed 5
    $script:otherRun = Start-NmrTraining (Join-Path $TestDrive 'other') -GridSize 16 -BaseChannels 4 -Depth 3 -BatchSize 16 -Samples 16 `
        -ValidationInterval 1 -ValidationSize 16 -TestSize 16 -Name other -Seed 5
    # Copies the tiny model to a new folder, lets $Damage change the weights file, and writes the card's hash to match
    # the damaged weights unless -KeepHash (then the card disagrees with its weights).
    function New-DamagedModel([scriptblock] $Damage, [switch] $KeepHash) {
        $dir = Join-Path $TestDrive ("model-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory $dir | Out-Null
        $card = Get-Content ($script:modelRun.ModelPath -replace '\.pt$', '.json') -Raw | ConvertFrom-Json
        $weights = Join-Path $dir $card.WeightsFile
        Copy-Item $script:modelRun.ModelPath $weights
        & $Damage $weights
        if (-not $KeepHash) { $card.WeightsSha256 = (Get-FileHash $weights -Algorithm SHA256).Hash.ToLowerInvariant() }
        $cardPath = Join-Path $dir ([IO.Path]::ChangeExtension($card.WeightsFile, '.json'))
        $card | ConvertTo-Json -Depth 20 | Set-Content $cardPath
        $weights
    }
    $script:grid16 = @{ AcquisitionAxis1 = $script:modelRun.Card.Grid.Acquisition1.Values; AcquisitionAxis2 = $script:modelRun.Card.Grid.Acquisition2.Values }
    $script:d16 = New-NmrDistribution -Preset A -Axis1 $script:modelRun.Card.Grid.Relaxation1.Values -Axis2 $script:modelRun.Card.Grid.Relaxation2.Values
    $script:s16 = $script:d16 | New-NmrSignal -Snr 100 -Seed 1 @grid16
    $script:small = New-NmrDistribution -Preset A -Points 16
    $script:smallSignal = $script:small | New-NmrSignal -Snr 100 -Seed 1 -AcquisitionAxis1 ([NmrInversion.Engine.Grids.Axis]::LogSpace(1e-4, 10, 12)) -AcquisitionAxis2 ([NmrInversion.Engine.Grids.Axis]::LogSpace(1e-4, 3, 16))
    $nan = [double]::NaN
    $inf = [double]::PositiveInfinity
}

Describe 'Bad input under <_>' -ForEach $script:cultures {
    BeforeAll {
        $script:culture = $_
        $script:saved = [cultureinfo]::CurrentCulture
        [cultureinfo]::CurrentCulture = [cultureinfo]::GetCultureInfo($_)
        [cultureinfo]::CurrentUICulture = [cultureinfo]::GetCultureInfo($_)
    }
    AfterAll {
        [cultureinfo]::CurrentCulture = $script:saved
        [cultureinfo]::CurrentUICulture = $script:saved
    }

    It 'really runs under the culture' {
        $expected = if ($script:culture -eq 'de-DE') { '1,5' } else { '1.5' }
        (1.5).ToString() | Should -Be $expected
    }

    It '<Name>' -ForEach @(
        # --- non-finite values in signals, axes and parameters
        @{ Name = 'CSV signal with NaN'; ErrorId = 'CsvCellNotFinite'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv ($decay[0..3] + 'NaN' + $decay[5..7])) } }
        @{ Name = 'CSV signal with an infinite value (1e400)'; ErrorId = 'CsvCellNotFinite'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv ($decay[0..3] + '1e400' + $decay[5..7])) } }
        @{ Name = 'CSV signal with -Infinity'; ErrorId = 'CsvCellNotFinite'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv ($decay[0..3] + '-Infinity' + $decay[5..7])) } }
        @{ Name = 'JSON signal with NaN'; ErrorId = 'JsonFormatInvalid'; Category = 'InvalidData'; Script = {
                $p = Join-Path $TestDrive 'nan.json'; Export-NmrSignal $p -Signal $smallSignal -Force
                (Get-Content $p -Raw) -replace '("Values"\s*:\s*\[\s*\[\s*)[^,\]]+', '$1"NaN"' | Set-Content $p
                Import-NmrSignal $p } }
        @{ Name = 'acquisition axis with NaN'; ErrorId = 'AxisNotFinite'; Category = 'InvalidData'; Script = { $small | New-NmrSignal -AcquisitionAxis1 @(1e-3, $nan, 1) } }
        @{ Name = 'relaxation axis with infinity'; ErrorId = 'AxisNotFinite'; Category = 'InvalidData'; Script = { New-NmrDistribution -Preset A -Axis1 @(1e-3, 1e-2, $inf) } }
        @{ Name = 'CSV time axis with NaN'; ErrorId = 'CsvCellNotFinite'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv $decay -Times @('0.001', '0.002', 'NaN', '0.008', '0.016', '0.032', '0.064', '0.128')) } }
        @{ Name = '-Snr NaN'; ErrorId = 'SnrInvalid'; Category = 'InvalidArgument'; Script = { $small | New-NmrSignal -Snr $nan } }
        @{ Name = '-Snr infinite'; ErrorId = 'SnrInvalid'; Category = 'InvalidArgument'; Script = { $small | New-NmrSignal -Snr $inf } }
        @{ Name = '-Snr 0'; ErrorId = 'SnrInvalid'; Category = 'InvalidArgument'; Script = { $small | New-NmrSignal -Snr 0 } }
        @{ Name = '-Snr negative'; ErrorId = 'SnrInvalid'; Category = 'InvalidArgument'; Script = { $small | New-NmrSignal -Snr -5 } }
        @{ Name = 'Tikhonov -Alpha NaN'; ErrorId = 'AlphaInvalid'; Category = 'InvalidArgument'; Script = { $smallSignal | Invoke-NmrTikhonov -Alpha $nan } }
        @{ Name = 'Tikhonov -Alpha infinite'; ErrorId = 'AlphaInvalid'; Category = 'InvalidArgument'; Script = { $smallSignal | Invoke-NmrTikhonov -Alpha $inf } }
        @{ Name = 'Tikhonov -Alpha negative'; ErrorId = 'AlphaInvalid'; Category = 'InvalidArgument'; Script = { $smallSignal | Invoke-NmrTikhonov -Alpha -1 } }
        @{ Name = 'Tikhonov -AlphaRange with NaN'; ErrorId = 'AlphaRangeInvalid'; Category = 'InvalidArgument'; Script = { $smallSignal | Invoke-NmrTikhonov -AlphaRange $nan, 1 } }
        @{ Name = 'Tikhonov -AlphaRange reversed'; ErrorId = 'AlphaRangeInvalid'; Category = 'InvalidArgument'; Script = { $smallSignal | Invoke-NmrTikhonov -AlphaRange 1, 1e-3 } }
        @{ Name = 'Tikhonov -TruncationFactor NaN'; ErrorId = 'TruncationFactorInvalid'; Category = 'InvalidArgument'; Script = { $smallSignal | Invoke-NmrTikhonov -TruncationFactor $nan } }
        @{ Name = 'MTGV -Alpha NaN'; ErrorId = 'AlphaInvalid'; Category = 'InvalidArgument'; Script = { $smallSignal | Invoke-NmrMtgv -Alpha $nan -Beta 1 } }
        @{ Name = 'MTGV -Beta infinite'; ErrorId = 'BetaInvalid'; Category = 'InvalidArgument'; Script = { $smallSignal | Invoke-NmrMtgv -Alpha 1 -Beta $inf } }
        @{ Name = 'MTGV -Tolerance NaN'; ErrorId = 'ToleranceInvalid'; Category = 'InvalidArgument'; Script = { $smallSignal | Invoke-NmrMtgv -Alpha 1 -Beta 1 -Tolerance $nan } }
        @{ Name = 'Import -NoiseSigma NaN'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Script = { Import-NmrSignal (New-DecayCsv $decay) -Experiment T2 -NoiseSigma $nan } }
        @{ Name = 'Get-NmrPeak -Threshold NaN'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Script = { Get-NmrPeak $small -Threshold $nan } }
        @{ Name = 'Get-NmrPeak -Projection onto an axis the map lacks'; ErrorId = 'ProjectionAxisUnknown'; Category = 'InvalidArgument'; Script = { Get-NmrPeak $small -Projection D } }
        @{ Name = 'component with NaN'; ErrorId = 'ComponentNotFinite'; Category = 'InvalidArgument'; Script = { New-NmrDistribution -Component @(, @(-1, $nan, -1, 0.3, 1)) } }
        @{ Name = 'training -LearningRate NaN'; ErrorId = 'LearningRateInvalid'; Category = 'InvalidArgument'; Script = { Start-NmrTraining (Join-Path $TestDrive 'lr') -GridSize 16 -Samples 16 -LearningRate $nan } }
        @{ Name = 'plot -Snr NaN'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Script = { $small | Export-NmrPlot (Join-Path $TestDrive 'p.png') -Snr $nan } }
        # --- empty and 1x1 inputs
        @{ Name = 'empty CSV file'; ErrorId = 'FileEmpty'; Category = 'InvalidData'; Script = { Import-Decay (New-TestFile '') } }
        @{ Name = 'CSV with a header only'; ErrorId = 'CsvEmpty'; Category = 'InvalidData'; Script = { Import-Decay (New-TestFile "t,s`n") } }
        @{ Name = 'empty acquisition axis'; ErrorId = 'AxisTooShort'; Category = 'InvalidData'; Script = { $small | New-NmrSignal -AcquisitionAxis1 @() } }
        @{ Name = 'empty component list'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Script = { New-NmrDistribution -Component @() } }
        @{ Name = '1x1 T1-T2 matrix'; ErrorId = 'SignalTooSmall'; Category = 'InvalidData'; Script = { Import-NmrSignal (New-TestFile "0.5`n") -Experiment T1T2 -Axis1 1e-3 -Axis2 1e-3 } }
        @{ Name = 'one-point decay'; ErrorId = 'SignalTooSmall'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv @('1')) | Invoke-NmrTikhonov } }
        @{ Name = 'empty path'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Script = { Import-NmrSignal '' } }
        # --- mismatched sizes
        @{ Name = 'matrix rows vs -Axis1'; ErrorId = 'CsvAxisMismatch'; Category = 'InvalidData'; Script = { Import-NmrSignal (New-TestFile "1,0.5,0.2`n0.9,0.4,0.1`n0.8,0.3,0.05`n") -Experiment T1T2 -Axis1 1e-3, 1e-2, 1e-1, 1 -Axis2 1e-3, 1e-2, 1e-1 } }
        @{ Name = 'matrix columns vs -Axis2'; ErrorId = 'CsvAxisMismatch'; Category = 'InvalidData'; Script = { Import-NmrSignal (New-TestFile "1,0.5,0.2`n0.9,0.4,0.1`n0.8,0.3,0.05`n") -Experiment T1T2 -Axis1 1e-3, 1e-2, 1e-1 -Axis2 1e-3, 1e-2 } }
        @{ Name = 'Measure-NmrChi map vs reference grid'; ErrorId = 'DistributionSizeMismatch'; Category = 'InvalidData'; Script = { Measure-NmrChi -Reference $small -Reconstruction ([double[,]]::new(3, 3)) } }
        # --- zero, negative, unsorted, duplicated axis values
        @{ Name = 'CSV time axis with zero'; ErrorId = 'AxisNotPositive'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv $decay -Times @('0', '0.002', '0.004', '0.008', '0.016', '0.032', '0.064', '0.128')) } }
        @{ Name = 'CSV time axis negative'; ErrorId = 'AxisNotPositive'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv $decay -Times @('-0.001', '0.002', '0.004', '0.008', '0.016', '0.032', '0.064', '0.128')) } }
        @{ Name = 'CSV time axis unsorted'; ErrorId = 'AxisNotIncreasing'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv $decay -Times @('0.001', '0.004', '0.002', '0.008', '0.016', '0.032', '0.064', '0.128')) } }
        @{ Name = 'CSV time axis duplicated'; ErrorId = 'AxisNotIncreasing'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv $decay -Times @('0.001', '0.002', '0.002', '0.008', '0.016', '0.032', '0.064', '0.128')) } }
        @{ Name = 'relaxation axis with zero'; ErrorId = 'AxisNotPositive'; Category = 'InvalidData'; Script = { New-NmrDistribution -Preset A -Axis2 @(0, 1e-2, 1) } }
        @{ Name = 'acquisition axis negative'; ErrorId = 'AxisNotPositive'; Category = 'InvalidData'; Script = { $small | New-NmrSignal -AcquisitionAxis2 @(-1e-3, 1e-2, 1) } }
        @{ Name = 'acquisition axis unsorted'; ErrorId = 'AxisNotIncreasing'; Category = 'InvalidData'; Script = { $small | New-NmrSignal -AcquisitionAxis1 @(1e-3, 1, 1e-2) } }
        @{ Name = 'acquisition axis duplicated'; ErrorId = 'AxisNotIncreasing'; Category = 'InvalidData'; Script = { $small | New-NmrSignal -AcquisitionAxis1 @(1e-3, 1e-2, 1e-2, 1) } }
        # --- all-zero, constant, huge and tiny signals
        @{ Name = 'all-zero signal to Tikhonov'; ErrorId = 'SignalAllZero'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv (@('0') * 8)) | Invoke-NmrTikhonov } }
        @{ Name = 'all-zero signal to MTGV'; ErrorId = 'SignalAllZero'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv (@('0') * 8)) | Invoke-NmrMtgv } }
        @{ Name = 'all-zero signal to the U-Net'; ErrorId = 'SignalAllZero'; Category = 'InvalidData'; Script = {
                $z = [NmrInversion.Engine.Signals.Signal2D]::new([double[,]]::new(16, 16), $s16.Axis1, $s16.Axis2, $s16.Kernels, $s16.RelaxationAxis1, $s16.RelaxationAxis2, $null, $null, $null, 'zero', $null, $null)
                $z | Invoke-NmrUnetInversion -ModelPath $modelRun.ModelPath } }
        @{ Name = 'constant signal to Tikhonov (inverts)'; ErrorId = $null; Script = { Import-Decay (New-DecayCsv (@('1') * 8)) | Invoke-NmrTikhonov } }
        @{ Name = 'values near 1e300 (inverts)'; ErrorId = $null; Script = { Import-Decay (New-DecayCsv ($decay | ForEach-Object { "${_}e300" })) | Invoke-NmrTikhonov } }
        @{ Name = 'values near 1e-300 (inverts)'; ErrorId = $null; Script = { Import-Decay (New-DecayCsv ($decay | ForEach-Object { "${_}e-300" })) | Invoke-NmrTikhonov } }
        @{ Name = 'values beyond double (1e309)'; ErrorId = 'CsvCellNotFinite'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv ($decay | ForEach-Object { "${_}e309" })) } }
        # --- a distribution with negative entries handed to Measure-NmrChi
        @{ Name = 'Measure-NmrChi with a negative map'; ErrorId = 'DistributionNegative'; Category = 'InvalidData'; Script = {
                $m = $small.Values.Clone(); $m[3, 4] = -0.01; Measure-NmrChi -Reference $small -Reconstruction $m } }
        @{ Name = 'Measure-NmrChi with a NaN map'; ErrorId = 'DistributionNotFinite'; Category = 'InvalidData'; Script = {
                $m = $small.Values.Clone(); $m[0, 0] = $nan; Measure-NmrChi -Reference $small -Reconstruction $m } }
        @{ Name = 'Measure-NmrChi map without reference'; ErrorId = 'ReferenceMissing'; Category = 'InvalidArgument'; Script = { Measure-NmrChi -Reconstruction $small.Values } }
        @{ Name = 'Measure-NmrChi with a valid map'; ErrorId = $null; Script = { Measure-NmrChi -Reference $small -Reconstruction $small.Values } }
        # --- model files
        @{ Name = 'truncated model file'; ErrorId = 'ModelCardInvalid'; Category = 'InvalidData'; Script = {
                $w = New-DamagedModel { param($p) $b = [IO.File]::ReadAllBytes($p); [IO.File]::WriteAllBytes($p, $b[0..([int]($b.Length / 2))]) }
                $s16 | Invoke-NmrUnetInversion -ModelPath $w } }
        @{ Name = 'random-bytes model file'; ErrorId = 'ModelCardInvalid'; Category = 'InvalidData'; Script = {
                $w = New-DamagedModel { param($p) $b = [byte[]]::new(4096); [Random]::new(3).NextBytes($b); [IO.File]::WriteAllBytes($p, $b) }
                $s16 | Invoke-NmrUnetInversion -ModelPath $w } }
        @{ Name = 'model file of another architecture'; ErrorId = 'ModelCardInvalid'; Category = 'InvalidData'; Script = {
                $w = New-DamagedModel { param($p) Copy-Item $otherRun.ModelPath $p -Force }
                $s16 | Invoke-NmrUnetInversion -ModelPath $w } }
        @{ Name = 'model card whose hash disagrees with its weights'; ErrorId = 'ModelHashMismatch'; Category = 'InvalidData'; Script = {
                $w = New-DamagedModel -KeepHash { param($p) $b = [IO.File]::ReadAllBytes($p); $b[$b.Length - 9] = $b[$b.Length - 9] -bxor 1; [IO.File]::WriteAllBytes($p, $b) }
                $s16 | Invoke-NmrUnetInversion -ModelPath $w } }
        @{ Name = 'model card that is not JSON'; ErrorId = 'ModelCardInvalid'; Category = 'InvalidData'; Script = {
                $w = New-DamagedModel { param($p) }
                Set-Content ([IO.Path]::ChangeExtension($w, '.json')) 'not json {'
                $s16 | Invoke-NmrUnetInversion -ModelPath $w } }
        @{ Name = 'missing model'; ErrorId = 'ModelFileMissing'; Category = 'ObjectNotFound'; Script = { $s16 | Invoke-NmrUnetInversion -ModelPath (Join-Path $TestDrive 'none.pt') } }
        # --- CSV dialects
        @{ Name = 'CSV with a text cell'; ErrorId = 'CsvCellNotNumeric'; Category = 'InvalidData'; Script = { Import-Decay (New-DecayCsv ($decay[0..3] + 'n/a' + $decay[5..7])) } }
        @{ Name = 'CSV with a ragged row'; ErrorId = 'CsvRaggedRow'; Category = 'InvalidData'; Script = { Import-Decay (New-TestFile "t,s`n0.001,1`n0.002,0.8,0.1`n0.004,0.6`n0.008,0.4`n") } }
        @{ Name = 'CSV with decimal commas in comma-delimited text'; ErrorId = 'CsvRaggedRow'; Category = 'InvalidData'; Script = { Import-Decay (New-TestFile "t,s`n0,001,1`n0,002,0,8`n0,004,0,6`n") } }
        @{ Name = 'CSV with a BOM (reads)'; ErrorId = $null; Script = { Import-Decay (New-TestFile ("t,s`n" + (($decay | ForEach-Object -Begin { $i = 0 } { "$((1e-3 * [math]::Pow(2, $i++)).ToString([cultureinfo]::InvariantCulture)),$_" }) -join "`n")) -Bom) } }
        @{ Name = 'CSV with quoted numbers (reads)'; ErrorId = $null; Script = { Import-Decay (New-DecayCsv ($decay | ForEach-Object { "`"$_`"" })) } }
        @{ Name = 'semicolon CSV with decimal commas (reads)'; ErrorId = $null; Script = { Import-NmrSignal (New-TestFile "t;s`n0,001;1`n0,002;0,8`n0,004;0,6`n0,008;0,45`n0,016;0,3`n0,032;0,2`n") -Experiment T2 -Delimiter ';' } }
        # --- files and formats
        @{ Name = 'missing file'; ErrorId = 'FileNotFound'; Category = 'ObjectNotFound'; Script = { Import-NmrSignal (Join-Path $TestDrive 'absent.csv') -Experiment T2 } }
        @{ Name = 'random bytes as a signal file'; ErrorId = 'FormatNotRecognized'; Category = 'InvalidData'; Script = {
                $p = Join-Path $TestDrive 'noise.bin'; $b = [byte[]]::new(512); [Random]::new(1).NextBytes($b); [IO.File]::WriteAllBytes($p, $b); Import-NmrSignal $p } }
        @{ Name = 'export into a missing folder'; ErrorId = 'DirectoryNotFound'; Category = 'ObjectNotFound'; Script = { Export-NmrSignal (Join-Path $TestDrive 'no/such/dir/s.csv') -Signal $smallSignal } }
        @{ Name = 'U-Net -BatchSize 0'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Script = { $s16 | Invoke-NmrUnetInversion -ModelPath $modelRun.ModelPath -BatchSize 0 } }
    ) {
        $r = Invoke-Case $Script
        if ($null -eq $ErrorId) {
            $r.Error | Should -BeNullOrEmpty
            @($r.Output).Count | Should -BeGreaterThan 0
            foreach ($o in $r.Output) {
                if ($o.Distribution) {
                    foreach ($v in $o.Distribution.Values) { ([double]::IsFinite($v) -and $v -ge 0) | Should -BeTrue }
                    [math]::Abs($o.Distribution.Sum - 1) | Should -BeLessThan 1e-9
                }
            }
        }
        else {
            $r.Error | Should -Not -BeNullOrEmpty -Because "case '$Name' must fail"
            ($r.Error.FullyQualifiedErrorId -split ',')[0] | Should -Be $ErrorId -Because $r.Error.Exception.Message
            "$($r.Error.CategoryInfo.Category)" | Should -Be $Category
            $r.Error.Exception.Message.Length | Should -BeGreaterThan 20
        }
    }
}

Describe 'One bad item does not stop the others' {
    It 'imports the good files of a batch and reports the bad one (non-terminating)' {
        $good1 = New-DecayCsv $decay
        $bad = New-DecayCsv ($decay[0..3] + 'oops' + $decay[5..7])
        $good2 = New-DecayCsv ($decay | ForEach-Object { [string]([double]$_ * 2) })
        $signals = $good1, $bad, $good2 | Import-NmrSignal -Experiment T2 -ErrorAction SilentlyContinue -ErrorVariable errs
        $signals.Count | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'CsvCellNotNumeric,*'
        $errs[0].TargetObject | Should -Be $bad
        $signals[1].Values[0, 0] | Should -Be 2
    }

    It 'inverts the good signals when one in the middle is all zero' {
        $paths = (New-DecayCsv $decay), (New-DecayCsv (@('0') * 8)), (New-DecayCsv $decay)
        $results = $paths | Import-NmrSignal -Experiment T2 | Invoke-NmrTikhonov -ErrorAction SilentlyContinue -ErrorVariable errs
        $results.Count | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'SignalAllZero,*'
        $results[0].Distribution.Values[10, 0] | Should -Be $results[1].Distribution.Values[10, 0]
    }

    It 'scores the good maps when one map is negative' {
        $neg = $small.Values.Clone(); $neg[1, 1] = -1
        $reports = $small.Values, $neg, $small | Measure-NmrChi -Reference $small -ErrorAction SilentlyContinue -ErrorVariable errs
        $reports.Count | Should -Be 2
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'DistributionNegative,*'
        $reports[0].Chi2D | Should -Be 0
    }
}
